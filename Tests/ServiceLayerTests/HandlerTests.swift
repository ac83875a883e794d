import CommandService
import Domain
import Testing

@Suite struct AddBatchTests {
    let commands = Commands()

    @Test func forANewProduct() async throws {
        let (bus, store) = makeBus()
        let receipt = try await bus.handle(commands.createBatch("b1", "CRUNCHY-ARMCHAIR", 100))
        #expect(receipt.outcome == .batchCreated)
        #expect(store.product(sku("CRUNCHY-ARMCHAIR"))?.batch(ref("b1"))?.purchasedQuantity == 100)
        #expect(store.commits == 1)
    }

    @Test func forAnExistingProduct() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("b1", "GARISH-RUG", 100))
        _ = try await bus.handle(commands.createBatch("b2", "GARISH-RUG", 99))
        #expect(store.product(sku("GARISH-RUG"))?.batches.map(\.reference) == [ref("b1"), ref("b2")])
        #expect(store.product(sku("GARISH-RUG"))?.version == 2)
    }

    @Test func aBatchReferenceIsUniqueAcrossProducts() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("b1", "LAMP", 1))
        await #expect(throws: DomainError.duplicateBatch(ref("b1"))) {
            try await bus.handle(commands.createBatch("b1", "DESK", 1))
        }
        #expect(store.product(sku("DESK")) == nil)
    }

    @Test func recordsBatchCreated() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("b1", "LAMP", 5, eta: "2027-03-01"))
        #expect(
            events(BatchCreated.self, in: store)
                == [
                    BatchCreated(
                        reference: ref("b1"), sku: sku("LAMP"), quantity: 5, eta: try Day(iso8601: "2027-03-01"))
                ])
    }
}

@Suite struct AllocateTests {
    let commands = Commands()

    @Test func returnsTheBatchReference() async throws {
        let (bus, _) = makeBus()
        _ = try await bus.handle(commands.createBatch("batch1", "COMPLICATED-LAMP", 100))
        let receipt = try await bus.handle(commands.allocate("o1", "COMPLICATED-LAMP", 10))
        #expect(receipt.outcome == .allocated(ref("batch1")))
        #expect(receipt.lastEvent != nil)
    }

    @Test func errorsForAnInvalidSKU() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("b1", "AREALSKU", 100))
        await #expect(throws: DomainError.unknownSKU(sku("NONEXISTENTSKU"))) {
            try await bus.handle(commands.allocate("o1", "NONEXISTENTSKU", 10))
        }
        #expect(store.commits == 1, "a refused command commits nothing")
    }

    @Test func commits() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("b1", "OMINOUS-MIRROR", 100))
        _ = try await bus.handle(commands.allocate("o1", "OMINOUS-MIRROR", 10))
        #expect(store.commits == 2)
        #expect(store.product(sku("OMINOUS-MIRROR"))?.batch(ref("b1"))?.availableQuantity == 90)
    }

    @Test func recordsOutOfStockAsAnOutcomeNotAFailure() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("b1", "POPULAR-CURTAINS", 9))
        let receipt = try await bus.handle(commands.allocate("o1", "POPULAR-CURTAINS", 10))
        #expect(receipt.outcome == .outOfStock)
        #expect(
            events(OutOfStock.self, in: store) == [
                OutOfStock(sku: sku("POPULAR-CURTAINS"), orderID: order("o1"), quantity: 10)
            ])
        #expect(store.product(sku("POPULAR-CURTAINS"))?.batch(ref("b1"))?.availableQuantity == 9)
    }

    @Test func eventsCarryTheAggregateVersionAndCommandID() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("b1", "LAMP", 9))
        _ = try await bus.handle(commands.allocate("o1", "LAMP", 1, id: "the-allocate"))
        let last = try #require(store.journal.last)
        #expect(last.commandID == "the-allocate")
        #expect(last.aggregateVersion == 2)
        #expect(last.event is Allocated)
    }
}

@Suite struct ChangeBatchQuantityTests {
    let commands = Commands()

    @Test func changesTheAvailableQuantity() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("batch1", "ADORABLE-SETTEE", 100))
        _ = try await bus.handle(commands.changeBatchQuantity("batch1", 50))
        #expect(store.product(sku("ADORABLE-SETTEE"))?.batch(ref("batch1"))?.availableQuantity == 50)
    }

    @Test func reallocatesIfNecessary() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("batch1", "INDIFFERENT-TABLE", 50))
        _ = try await bus.handle(commands.createBatch("batch2", "INDIFFERENT-TABLE", 50, eta: "2026-12-01"))
        _ = try await bus.handle(commands.allocate("order1", "INDIFFERENT-TABLE", 20))
        _ = try await bus.handle(commands.allocate("order2", "INDIFFERENT-TABLE", 20))
        let commitsBefore = store.commits

        _ = try await bus.handle(commands.changeBatchQuantity("batch1", 25))

        let product = try #require(store.product(sku("INDIFFERENT-TABLE")))
        #expect(product.batch(ref("batch1"))?.availableQuantity == 5)
        #expect(product.batch(ref("batch2"))?.availableQuantity == 30)
        #expect(store.commits == commitsBefore + 1, "the change and the reallocation commit together")
        let reallocated = events(Allocated.self, in: store).last
        #expect(
            reallocated
                == Allocated(
                    line: try OrderLine(orderID: order("order2"), sku: sku("INDIFFERENT-TABLE"), quantity: 20),
                    batchReference: ref("batch2")))
    }

    @Test func aReleasedLineWithNowhereToGoRunsOutOfStock() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("only", "SOFA", 10))
        _ = try await bus.handle(commands.allocate("o1", "SOFA", 8))
        _ = try await bus.handle(commands.changeBatchQuantity("only", 5))
        #expect(store.product(sku("SOFA"))?.batch(ref("only"))?.availableQuantity == 5)
        #expect(events(OutOfStock.self, in: store).map(\.orderID) == [order("o1")])
    }

    @Test func anUnknownBatchIsRefused() async throws {
        let (bus, _) = makeBus()
        await #expect(throws: DomainError.unknownBatch(ref("nope"))) {
            try await bus.handle(commands.changeBatchQuantity("nope", 5))
        }
    }
}

@Suite struct DeallocateTests {
    let commands = Commands()

    @Test func givesTheStockBackAndDoesNotReallocate() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("b1", "LAMP", 10))
        _ = try await bus.handle(commands.allocate("o1", "LAMP", 4))
        let receipt = try await bus.handle(commands.deallocate("o1", "LAMP"))
        #expect(receipt.outcome == .deallocated)
        #expect(store.product(sku("LAMP"))?.batch(ref("b1"))?.availableQuantity == 10)
        #expect(events(Allocated.self, in: store).count == 1, "a requested deallocation is not undone")
    }

    @Test func aLineThatIsNotAllocatedIsRefused() async throws {
        let (bus, _) = makeBus()
        _ = try await bus.handle(commands.createBatch("b1", "LAMP", 10))
        await #expect(throws: DomainError.lineNotAllocated(order("o9"), sku("LAMP"))) {
            try await bus.handle(commands.deallocate("o9", "LAMP"))
        }
    }
}
