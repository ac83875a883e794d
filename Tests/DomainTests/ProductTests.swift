import Domain
import Testing

@Suite struct ProductTests {
    @Test func prefersWarehouseBatchesToShipments() throws {
        let inStock = batch("in-stock-batch", "RETRO-CLOCK", 100)
        let shipment = batch("shipment-batch", "RETRO-CLOCK", 100, eta: "2026-11-27")
        var product = Product(sku: sku("RETRO-CLOCK"), batches: [shipment, inStock])

        try product.allocate(line("oref", "RETRO-CLOCK", 10))

        #expect(product.batch(ref("in-stock-batch"))?.availableQuantity == 90)
        #expect(product.batch(ref("shipment-batch"))?.availableQuantity == 100)
    }

    @Test func prefersEarlierBatches() throws {
        let earliest = batch("speedy-batch", "MINIMALIST-SPOON", 100, eta: "2026-11-26")
        let medium = batch("normal-batch", "MINIMALIST-SPOON", 100, eta: "2026-11-27")
        let latest = batch("slow-batch", "MINIMALIST-SPOON", 100, eta: "2027-01-01")
        var product = Product(sku: sku("MINIMALIST-SPOON"), batches: [medium, latest, earliest])

        try product.allocate(line("order1", "MINIMALIST-SPOON", 10))

        #expect(product.batch(ref("speedy-batch"))?.availableQuantity == 90)
        #expect(product.batch(ref("normal-batch"))?.availableQuantity == 100)
        #expect(product.batch(ref("slow-batch"))?.availableQuantity == 100)
    }

    @Test func skipsBatchesThatCannotTakeTheLine() throws {
        let small = batch("small", "LAMP", 5)
        let big = batch("big", "LAMP", 50, eta: "2030-01-01")
        var product = Product(sku: sku("LAMP"), batches: [small, big])
        #expect(try product.allocate(line("o1", "LAMP", 10)) == ref("big"))
    }

    @Test func returnsAllocatedBatchReference() throws {
        let inStock = batch("in-stock-batch-ref", "HIGHBROW-POSTER", 100)
        let shipment = batch("shipment-batch-ref", "HIGHBROW-POSTER", 100, eta: "2026-11-27")
        var product = Product(sku: sku("HIGHBROW-POSTER"), batches: [inStock, shipment])
        #expect(try product.allocate(line("oref", "HIGHBROW-POSTER", 10)) == ref("in-stock-batch-ref"))
    }

    @Test func recordsOutOfStockEventIfCannotAllocate() throws {
        var product = Product(sku: sku("SMALL-FORK"), batches: [batch("batch1", "SMALL-FORK", 10)])
        try product.allocate(line("order1", "SMALL-FORK", 10))
        let versionBefore = product.version

        let result = try product.allocate(line("order2", "SMALL-FORK", 1))

        #expect(result == nil)
        #expect(
            product.events.last as? OutOfStock
                == OutOfStock(sku: sku("SMALL-FORK"), orderID: order("order2"), quantity: 1))
        #expect(product.version == versionBefore, "nothing changed, so the version stays")
        #expect(product.batch(ref("batch1"))?.availableQuantity == 0)
    }

    @Test func raisesAllocatedAndIncrementsTheVersion() throws {
        var product = Product(sku: sku("LAMP"), batches: [batch("b1", "LAMP", 10)], version: 7)
        try product.allocate(line("o1", "LAMP", 3))
        #expect(product.version == 8)
        #expect(product.events.last as? Allocated == Allocated(line: line("o1", "LAMP", 3), batchReference: ref("b1")))
    }

    @Test func allocatingTheSameLineTwiceIsANoOp() throws {
        var product = Product(
            sku: sku("LAMP"), batches: [batch("b1", "LAMP", 3), batch("b2", "LAMP", 100, eta: "2030-01-01")])
        #expect(try product.allocate(line("o1", "LAMP", 3)) == ref("b1"))
        let version = product.version
        let events = product.takeEvents()

        #expect(try product.allocate(line("o1", "LAMP", 3)) == ref("b1"), "same answer, not a second batch")
        #expect(product.version == version)
        #expect(product.events.isEmpty)
        #expect(events.count == 1)
        #expect(product.batch(ref("b2"))?.availableQuantity == 100)
    }

    @Test func theSameOrderAskingForAnotherQuantityIsRefused() throws {
        var product = Product(sku: sku("LAMP"), batches: [batch("b1", "LAMP", 10)])
        try product.allocate(line("o1", "LAMP", 3))
        #expect(throws: DomainError.conflictingOrderLine(order("o1"), sku("LAMP"), allocated: 3, requested: 4)) {
            try product.allocate(line("o1", "LAMP", 4))
        }
        #expect(product.batch(ref("b1"))?.availableQuantity == 7)
    }

    @Test func aLineOfAnotherSKUIsRefused() {
        var product = Product(sku: sku("LAMP"), batches: [batch("b1", "LAMP", 10)])
        #expect(throws: DomainError.skuMismatch(expected: sku("LAMP"), got: sku("CHAIR"))) {
            try product.allocate(line("o1", "CHAIR", 1))
        }
        #expect(product.events.isEmpty)
    }

    @Test func addBatchRaisesBatchCreatedAndRefusesDuplicatesAndOtherSKUs() throws {
        var product = Product(sku: sku("LAMP"))
        try product.addBatch(batch("b1", "LAMP", 10, eta: "2026-12-01"))
        #expect(
            product.events.last as? BatchCreated
                == BatchCreated(reference: ref("b1"), sku: sku("LAMP"), quantity: 10, eta: day("2026-12-01")))
        #expect(product.version == 1)
        #expect(throws: DomainError.duplicateBatch(ref("b1"))) { try product.addBatch(batch("b1", "LAMP", 5)) }
        #expect(throws: DomainError.skuMismatch(expected: sku("LAMP"), got: sku("DESK"))) {
            try product.addBatch(batch("b2", "DESK", 5))
        }
        #expect(product.batches.count == 1)
    }

    @Test func deallocateReleasesTheLineAndRaisesDeallocated() throws {
        var product = Product(sku: sku("LAMP"), batches: [batch("b1", "LAMP", 10)])
        try product.allocate(line("o1", "LAMP", 4))
        _ = product.takeEvents()

        let released = try product.deallocate(order("o1"))

        #expect(released == line("o1", "LAMP", 4))
        #expect(product.batch(ref("b1"))?.availableQuantity == 10)
        #expect(
            product.events.map { $0 as? Deallocated } == [
                Deallocated(line: released, batchReference: ref("b1"), reason: .requested)
            ])
        #expect(throws: DomainError.lineNotAllocated(order("o1"), sku("LAMP"))) { try product.deallocate(order("o1")) }
    }

    @Test func reducingABatchBelowItsAllocationsReleasesTheNewestLinesUntilItFits() throws {
        var product = Product(sku: sku("INDIFFERENT-TABLE"), batches: [batch("batch1", "INDIFFERENT-TABLE", 50)])
        try product.allocate(line("order1", "INDIFFERENT-TABLE", 20))
        try product.allocate(line("order2", "INDIFFERENT-TABLE", 20))
        try product.allocate(line("order3", "INDIFFERENT-TABLE", 5))
        _ = product.takeEvents()

        try product.changeBatchQuantity(ref("batch1"), to: 25)

        #expect(product.batch(ref("batch1"))?.availableQuantity == 5)
        #expect(product.batch(ref("batch1"))?.allocations == [line("order1", "INDIFFERENT-TABLE", 20)])
        #expect(
            product.events.first as? BatchQuantityChanged
                == BatchQuantityChanged(reference: ref("batch1"), sku: sku("INDIFFERENT-TABLE"), quantity: 25))
        let released = product.events.compactMap { $0 as? Deallocated }
        #expect(released.map(\.orderID) == [order("order3"), order("order2")], "newest first, until the rest fits")
        #expect(released.allSatisfy { $0.reason == .batchQuantityReduced })
    }

    @Test func changingTheQuantityOfAnUnknownBatchIsRefused() {
        var product = Product(sku: sku("LAMP"))
        #expect(throws: DomainError.unknownBatch(ref("nope"))) { try product.changeBatchQuantity(ref("nope"), to: 3) }
    }
}
