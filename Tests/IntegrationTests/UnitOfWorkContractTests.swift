import CommandService
import Contracts
import Domain
import Logging
import Testing

/// The repository and unit-of-work contract: the same scenarios, the same observable results, on the
/// in-memory fake and on PostgreSQL. The fake is only worth trusting while this holds.
@Suite struct UnitOfWorkContractTests {
    func bus(_ store: any StoreProbe) -> MessageBus {
        Bootstrap.messageBus(unitOfWork: store.unitOfWork, maximumAttempts: 20, logger: Logger(label: "test"))
    }

    @Test(arguments: StoreKind.allCases)
    func batchesRoundTripWithTheirETA(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let bus = bus(store)
            _ = try await bus.handle(Make.createBatch("b1", "LAMP", 10, eta: "2027-02-28"))
            _ = try await bus.handle(Make.createBatch("b0", "LAMP", 5))
            #expect(
                try await store.batches(of: "LAMP") == [
                    BatchState(reference: "b0", purchased: 5, allocated: 0, orders: []),
                    BatchState(reference: "b1", purchased: 10, allocated: 0, orders: []),
                ])
            let loaded = try await store.unitOfWork.withUnitOfWork { uow in
                try await uow.products.get(try SKU("LAMP"), withLinesOf: nil)
            }
            #expect(loaded?.batch(try BatchReference("b1"))?.eta == (try Day(iso8601: "2027-02-28")))
            #expect(loaded?.batch(try BatchReference("b0"))?.eta == nil)
            #expect(loaded?.version == 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theBooksScenariosLeaveTheSameStateAndJournal(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let bus = bus(store)
            _ = try await bus.handle(Make.createBatch("b1", "TABLE", 50))
            _ = try await bus.handle(Make.createBatch("b2", "TABLE", 50, eta: "2026-12-01"))
            #expect(
                try await bus.handle(Make.allocate("o1", "TABLE", 20)).outcome == .allocated(try BatchReference("b1")))
            #expect(
                try await bus.handle(Make.allocate("o2", "TABLE", 20)).outcome == .allocated(try BatchReference("b1")))
            #expect(try await bus.handle(Make.allocate("o3", "TABLE", 70)).outcome == .outOfStock)
            _ = try await bus.handle(Make.changeQuantity("b1", 25))
            _ = try await bus.handle(Make.deallocate("o1", "TABLE"))

            #expect(
                try await store.batches(of: "TABLE") == [
                    BatchState(reference: "b1", purchased: 25, allocated: 0, orders: []),
                    BatchState(reference: "b2", purchased: 50, allocated: 20, orders: ["o2"]),
                ])
            let journal = try await store.journal()
            #expect(
                journal.map(\.payload.type) == [
                    .batchCreated, .batchCreated, .allocated, .allocated, .outOfStock, .batchQuantityChanged,
                    .deallocated, .allocated, .deallocated,
                ])
            #expect(journal.map(\.aggregateVersion) == [1, 2, 3, 4, 4, 5, 5, 6, 7])
            #expect(
                journal[5...7].allSatisfy { $0.commandID == "change-b1-25" }, "the reallocation is part of the change")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRetriedCommandIDAnswersTheSameAndWritesNothing(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let bus = bus(store)
            _ = try await bus.handle(Make.createBatch("b1", "LAMP", 10))
            let first = try await bus.handle(Make.allocate("o1", "LAMP", 3, id: "once"))
            let again = try await bus.handle(Make.allocate("o1", "LAMP", 3, id: "once"))
            #expect(again == CommandReceipt(outcome: first.outcome, lastEvent: first.lastEvent, isRepeat: true))
            #expect(try await store.journal().count == 2)
            await #expect(throws: ServiceError.commandIDReused("once")) {
                try await bus.handle(Make.allocate("o2", "LAMP", 3, id: "once"))
            }
            #expect(try await store.batches(of: "LAMP").first?.allocated == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRefusedCommandWritesNothing(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let bus = bus(store)
            _ = try await bus.handle(Make.createBatch("b1", "LAMP", 10))
            await #expect(throws: DomainError.unknownSKU(try SKU("NOPE"))) {
                try await bus.handle(Make.allocate("o1", "NOPE", 1))
            }
            await #expect(throws: DomainError.duplicateBatch(try BatchReference("b1"))) {
                try await bus.handle(Make.createBatch("b1", "DESK", 1, id: "dup"))
            }
            await #expect(throws: DomainError.lineNotAllocated(try OrderID("o9"), try SKU("LAMP"))) {
                try await bus.handle(Make.deallocate("o9", "LAMP"))
            }
            #expect(try await store.journal().count == 1)
            #expect(try await store.batches(of: "DESK").isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aStaleCopyCannotBeSaved(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await bus(store).handle(Make.createBatch("b1", "LAMP", 10))
            let line = try OrderLine(orderID: OrderID("o1"), sku: SKU("LAMP"), quantity: 1)
            // A unit of work loads, another commits a change, then the first tries to save: the version
            // check alone must refuse it (this unit does not lock what it loads).
            await #expect(throws: UnitOfWorkError.self) {
                try await store.optimisticUnitOfWork.withUnitOfWork { stale in
                    var product = try #require(try await stale.products.get(line.sku, withLinesOf: line.orderID))
                    _ = try await bus(store).handle(Make.allocate("o2", "LAMP", 2))
                    try product.allocate(line)
                    try await stale.products.save(product)
                    _ = try await stale.commit()
                }
            }
            #expect(
                try await store.batches(of: "LAMP").first
                    == BatchState(reference: "b1", purchased: 10, allocated: 2, orders: ["o2"]))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anUncommittedUnitLeavesNoTrace(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await bus(store).handle(Make.createBatch("b1", "LAMP", 10))
            try await store.unitOfWork.withUnitOfWork { uow in
                var product = try #require(try await uow.products.get(try SKU("LAMP"), withLinesOf: nil))
                try product.allocate(try OrderLine(orderID: OrderID("o1"), sku: SKU("LAMP"), quantity: 1))
                try await uow.products.save(product)
            }
            #expect(try await store.batches(of: "LAMP").first?.allocated == 0)
            #expect(try await store.journal().count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func reducingABatchReleasesItsNewestLinesFirst(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let bus = bus(store)
            _ = try await bus.handle(Make.createBatch("b1", "SOFA", 10))
            for order in 1...5 { _ = try await bus.handle(Make.allocate("o\(order)", "SOFA", 2)) }
            _ = try await bus.handle(Make.changeQuantity("b1", 5))
            #expect(
                try await store.batches(of: "SOFA") == [
                    BatchState(reference: "b1", purchased: 5, allocated: 4, orders: ["o1", "o2"])
                ])
            let released = try await store.journal().compactMap { row -> String? in
                if case .deallocated(let payload) = row.payload { return payload.orderID } else { return nil }
            }
            #expect(released == ["o5", "o4", "o3"])
        }
    }
}
