import CommandService
import Contracts
import Domain
import Logging
import PostgresNIO
import Testing

/// Group commit gives every command of a group the answer it would have had alone: the same
/// outcomes, its own events, exactly-once per command id — on both stores.
@Suite struct GroupCommitTests {
    func bus(_ store: any StoreProbe) -> MessageBus { Bootstrap.messageBus(unitOfWork: store.unitOfWork) }

    @Test(arguments: StoreKind.allCases)
    func eachCommandOfAGroupEndsAsIfHandledAlone(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let bus = bus(store)
            _ = try await bus.handle(Make.createBatch("lamps", "LAMP", 10))
            _ = try await bus.handle(Make.createBatch("desks", "DESK", 10))
            let group = [
                Make.allocate("o1", "LAMP", 3), Make.allocate("o2", "LAMP", 5), Make.allocate("o3", "DESK", 1),
                Make.allocate("o4", "NOPE", 1), Make.allocate("o5", "LAMP", 1000),
            ]
            let results = await bus.handle(group: group)
            let lamps = CommandOutcome.allocated(try BatchReference("lamps"))
            #expect(try results[0].get().outcome == lamps)
            #expect(try results[1].get().outcome == lamps)
            #expect(try results[2].get().outcome == .allocated(try BatchReference("desks")))
            #expect(throws: DomainError.unknownSKU(try SKU("NOPE"))) { try results[3].get() }
            #expect(try results[4].get().outcome == .outOfStock)
            #expect(try await store.batches(of: "LAMP").map(\.allocated) == [8])
            #expect(try await store.batches(of: "DESK").map(\.allocated) == [1])

            // Each command's events carry its id, in the order handled; each receipt marks its last.
            let journal = try await store.journal().dropFirst(2)
            #expect(journal.map(\.commandID) == [0, 1, 2, 4].map { group[$0].id })
            let marks = try [0, 1, 2, 4].map { try #require(try results[$0].get().lastEvent) }
            #expect(marks == marks.sorted() && Set(marks).count == 4)

            // Repeats answer from the stored outcome, in a group or alone.
            let again = await bus.handle(group: [group[0], group[4], Make.allocate("o6", "DESK", 2)])
            #expect(try again[0].get() == CommandReceipt(outcome: lamps, lastEvent: marks[0], isRepeat: true))
            #expect(try again[1].get().isRepeat)
            #expect(try again[2].get().isRepeat == false)
            #expect(try await bus.handle(group[1]).isRepeat)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anIDReusedForAnotherRequestIsRefusedInAGroup(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let bus = bus(store)
            _ = try await bus.handle(Make.createBatch("lamps", "LAMP", 10))
            _ = try await bus.handle(Make.allocate("o1", "LAMP", 1, id: "same"))
            let results = await bus.handle(group: [
                Make.allocate("o2", "LAMP", 1, id: "same"), Make.allocate("o3", "LAMP", 1),
            ])
            #expect(throws: ServiceError.commandIDReused("same")) { try results[0].get() }
            #expect(try results[1].get().outcome == .allocated(try BatchReference("lamps")))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func oneIDTwiceInAGroupIsHandledOnce(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let bus = bus(store)
            _ = try await bus.handle(Make.createBatch("lamps", "LAMP", 10))
            let twice = Make.allocate("o1", "LAMP", 4)
            let results = await bus.handle(group: [twice, twice])
            let outcomes = try results.map { try $0.get().outcome }
            #expect(outcomes == [.allocated(try BatchReference("lamps")), .allocated(try BatchReference("lamps"))])
            #expect(try await store.batches(of: "LAMP").map(\.allocated) == [4])
            #expect(try await store.journal().filter { $0.commandID == twice.id }.count == 1)
        }
    }

    /// Several commands of a group on one order (new ids: a client's second thoughts, or two
    /// clients) read its existing line once, and each gets the answer it would have had alone.
    @Test(arguments: StoreKind.allCases)
    func oneOrderTwiceInAGroupIsReadOnce(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let bus = bus(store)
            _ = try await bus.handle(Make.createBatch("lamps", "LAMP", 10))
            _ = try await bus.handle(Make.allocate("o1", "LAMP", 2))
            let results = await bus.handle(group: [
                Make.allocate("o1", "LAMP", 2, id: "again"), Make.allocate("o1", "LAMP", 2, id: "and-again"),
                Make.allocate("o1", "LAMP", 3, id: "more"),
            ])
            let lamps = CommandOutcome.allocated(try BatchReference("lamps"))
            #expect(try results[0].get().outcome == lamps)
            #expect(try results[1].get().outcome == lamps)
            #expect(throws: DomainError.self) { try results[2].get() }
            #expect(try await store.batches(of: "LAMP").map(\.allocated) == [2])
            #expect(try await store.journal().count == 2)  // the batch and the first allocation
        }
    }

    /// A command that fails after changing a product is undone inside its unit: the product is as
    /// the command before it left it, its events are gone, and the unit commits the rest.
    @Test(arguments: StoreKind.allCases)
    func aCommandUndoneInsideAUnitLeavesTheWorkBeforeIt(kind: StoreKind) async throws {
        struct Failed: Error {}
        try await withStore(kind) { store in
            _ = try await bus(store).handle(Make.createBatch("lamps", "LAMP", 10))
            let lamp = try SKU("LAMP")
            func allocate(_ order: String, _ quantity: Int, in uow: any UnitOfWork) async throws {
                try await Self.allocate(OrderLine(orderID: OrderID(order), sku: lamp, quantity: quantity), in: uow)
            }
            try await store.unitOfWork.withUnitOfWork { uow in
                try await uow.isolated { try await allocate("kept", 3, in: uow) }
                await #expect(throws: Failed.self) {
                    try await uow.isolated {
                        try await allocate("undone", 4, in: uow)
                        throw Failed()
                    }
                }
                let product = try #require(try await uow.products.get(lamp, withLinesOf: nil))
                #expect(product.batches.map(\.allocatedQuantity) == [3])
                try await uow.isolated { try await allocate("after", 1, in: uow) }
                _ = try await uow.commit()
            }
            #expect(try await store.batches(of: "LAMP").map(\.allocated) == [4])
            #expect(try await store.batches(of: "LAMP").map(\.orders) == [["after", "kept"]])
            #expect(try await store.journal().count == 3)  // the batch, "kept" and "after"
        }
    }

    /// One allocation in `uow`, as its handler makes it.
    static func allocate(_ line: OrderLine, in uow: any UnitOfWork) async throws {
        var product = try #require(try await uow.products.get(line.sku, withLinesOf: line.orderID))
        _ = try product.allocate(line)
        try await uow.products.save(product)
    }

    /// A group numbers its own events as it commits, interleaved with commands alone that leave
    /// theirs to sequencing rounds: positions stay gap-free, one per event, in commit order.
    @Test func groupsNumberTheirEventsAndPositionsStayGapFree() async throws {
        try await withMigratedDatabase { client in
            let logger = Logger(label: "test")
            let log = PostgresEventLog(client: client, logger: logger)
            let sequencer = Sequencer(log: log, logger: logger)
            let bus = Bootstrap.messageBus(
                unitOfWork: PostgresUnitOfWorkFactory(client: client, logger: logger, sequencer: sequencer))
            _ = try await bus.handle(Make.createBatch("lamps", "LAMP", 100))
            _ = try await bus.handle(Make.createBatch("desks", "DESK", 100))
            var positions: [Int] = []
            for round in 0..<5 {
                async let alone = bus.handle(Make.allocate("alone-\(round)", "DESK", 1))
                let group = await bus.handle(
                    group: (0..<4).map { Make.allocate("g\(round)-\($0)", $0 % 2 == 0 ? "LAMP" : "DESK", 1) })
                for result in group {
                    positions.append(try await sequencer.position(of: try #require(result.get().lastEvent)))
                }
                positions.append(try await sequencer.position(of: try #require(try await alone.lastEvent)))
            }
            _ = try await sequencer.completeRound()
            #expect(Set(positions).count == positions.count, "every command's event has a position of its own")
            var stored: [Int] = []
            for try await position in try await client.query(
                "SELECT position FROM event_log ORDER BY position", logger: logger
            ).decode(Int?.self) { stored.append(try #require(position)) }
            #expect(stored == Array(1...stored.count), "gap-free from 1")
            #expect(stored.count == 2 + 5 * 5)
            #expect(try await log.head() == stored.count)
        }
    }

    /// Many clients through the group committer on one product: groups form, share transactions,
    /// and the product is never over-allocated nor an allocation lost.
    @Test func groupedAllocationsOnAHotProductKeepTheRules() async throws {
        try await withMigratedDatabase(maximumConnections: 10) { client in
            let bus = Bootstrap.messageBus(
                unitOfWork: PostgresUnitOfWorkFactory(client: client, logger: Logger(label: "test")))
            let committer = GroupCommitter(bus: bus, maximumGroupSize: 8, maximumGroupsInFlight: 3)
            _ = try await bus.handle(Make.createBatch("warehouse", "HOT", 70))
            _ = try await bus.handle(Make.createBatch("ship", "HOT", 30, eta: "2027-01-01"))
            let outcomes = try await withThrowingTaskGroup(of: [CommandOutcome].self) { group in
                for client in 0..<40 {
                    group.addTask {
                        var outcomes: [CommandOutcome] = []
                        for order in 0..<3 {
                            outcomes.append(
                                try await committer.handle(Make.allocate("c\(client)-o\(order)", "HOT", 1)).outcome)
                        }
                        return outcomes
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(outcomes.filter { $0 == .outOfStock }.count == 20)
            let probe = PostgresProbe(client: client)
            #expect(try await probe.batches(of: "HOT").map(\.allocated) == [30, 70])
            #expect(try await probe.journal().filter { $0.payload.type == .allocated }.count == 100)
            let versions = try await probe.journal().filter { $0.payload.type == .allocated }.map(\.aggregateVersion)
            #expect(versions.sorted() == Array(3...102), "one version per allocation, none shared or skipped")
        }
    }
}
