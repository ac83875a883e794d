import CommandService
import Domain
import Logging
import PostgresNIO
import Testing

/// Loading an aggregate must not grow with its history: a command reads the batches' totals and the
/// lines it concerns, not every past allocation.
@Suite struct AggregateLoadingTests {
    @Test func allocatingReadsOnlyTheOrdersOwnLines() async throws {
        try await withMigratedDatabase { client in
            let logger = Logger(label: "test")
            let uow = PostgresUnitOfWorkFactory(client: client, logger: logger)
            let bus = Bootstrap.messageBus(unitOfWork: uow)
            _ = try await bus.handle(Make.createBatch("big", "BUSY", 100_000))
            _ = try await bus.handle(Make.createBatch("later", "BUSY", 100_000, eta: "2030-01-01"))
            // 5,000 prior allocations, written in bulk to keep the test quick.
            try await client.query(
                """
                INSERT INTO allocations (orderid, sku, batch_reference, quantity)
                SELECT 'past-' || n, 'BUSY', 'big', 2 FROM generate_series(1, 5000) n
                """, logger: logger)
            try await client.query(
                "UPDATE batches SET allocated_quantity = 10000 WHERE reference = 'big'", logger: logger)

            let product = try await uow.withUnitOfWork { uow in
                try await uow.products.get(try SKU("BUSY"), withLinesOf: try OrderID("past-42"))
            }
            let big = try #require(product?.batch(try BatchReference("big")))
            #expect(big.allocatedQuantity == 10_000)
            #expect(big.allocations.map(\.orderID.rawValue) == ["past-42"])

            // Reducing a batch reads just enough of its newest lines to cover the reduction.
            let reducing = try await uow.withUnitOfWork { uow in
                try await uow.products.get(batch: try BatchReference("big"), reducingTo: 9_995)
            }
            #expect(
                reducing?.batch(try BatchReference("big"))?.allocations.map(\.orderID.rawValue) == [
                    "past-4998", "past-4999", "past-5000",
                ])

            let receipt = try await bus.handle(Make.allocate("past-42", "BUSY", 2))
            #expect(receipt.outcome == .allocated(try BatchReference("big")), "idempotent: the existing line is found")
            _ = try await bus.handle(Make.changeQuantity("big", 9_995))
            let state = try await PostgresProbe(client: client).batches(of: "BUSY")
            #expect(state.map(\.allocated) == [9_994, 6])
            #expect(state.first?.orders.contains("past-5000") == false)
        }
    }

    /// Batches whose references differ only in Unicode form are two batches when a product is put
    /// together from its rows, which come batch by batch.
    @Test func batchesInAnotherUnicodeFormAreOtherBatches() async throws {
        try await withMigratedDatabase { client in
            let uow = PostgresUnitOfWorkFactory(client: client, logger: Logger(label: "test"))
            let bus = Bootstrap.messageBus(unitOfWork: uow)
            let (composed, decomposed) = ("ref-caf\u{E9}", "ref-cafe\u{301}")
            _ = try await bus.handle(Make.createBatch(composed, "FORMS", 1))
            _ = try await bus.handle(Make.createBatch(decomposed, "FORMS", 1))
            _ = try await bus.handle(Make.allocate("o-1", "FORMS", 1))
            _ = try await bus.handle(Make.allocate("o-2", "FORMS", 1))
            let product = try await uow.withUnitOfWork { uow in
                try await uow.products.get(try SKU("FORMS"), withLinesOf: try OrderID("o-1"))
            }
            let batches = try #require(product?.batches)
            #expect(
                Set(batches.map { Array($0.reference.rawValue.utf8) }) == [
                    Array(composed.utf8), Array(decomposed.utf8),
                ])
            #expect(batches.map(\.allocatedQuantity) == [1, 1])
            #expect(try await bus.handle(Make.allocate("o-3", "FORMS", 1)).outcome == .outOfStock)
        }
    }
}
