import Contracts
import Foundation
import GRDB
import QueryService
import Testing

/// The projections, fed straight through `ProjectionStore.apply` (no sockets).
@Suite struct ProjectionTests {
    @Test func eachEventTypeUpdatesTheReadModel() async throws {
        try await withSandbox { sandbox in
            let store = try await referenceStore(History.mixed, at: sandbox.path("projections.sqlite"))
            let model = ReadModel(store: store)
            #expect(try await store.checkpoint() == History.mixed.count)

            // Allocated / Deallocated: the book's allocations view.
            #expect(
                try await model.allocations(orderid: "order-2").lines == [
                    AllocationView(sku: "SMALL-TABLE", batchref: "batch-001")
                ])
            #expect(
                try await model.allocations(orderid: "order-4").lines == [
                    AllocationView(sku: "SMALL-TABLE", batchref: "batch-002")
                ])
            #expect(try await model.allocations(orderid: "order-1").lines.isEmpty)  // deallocated on request
            #expect(try await model.allocations(orderid: "order-3").lines.isEmpty)  // released, then out of stock
            #expect(
                try await model.allocations(orderid: "order-6").lines == [
                    AllocationView(sku: "BLUE-VASE", batchref: "batch-003")
                ])

            // BatchCreated / BatchQuantityChanged / allocations: stock by batch and by SKU.
            let table = try #require(try await model.stock(sku: "SMALL-TABLE").stock)
            #expect(table.purchased == 62 && table.allocated == 15 && table.available == 47 && table.outOfStock == 0)
            #expect(
                table.batches == [
                    BatchStock(
                        ref: "batch-001", sku: "SMALL-TABLE", eta: nil, purchased: 12, allocated: 10, available: 2),
                    BatchStock(
                        ref: "batch-002", sku: "SMALL-TABLE", eta: "2026-12-01", purchased: 50, allocated: 5,
                        available: 45),
                ])
            let vase = try #require(try await model.stock(sku: "BLUE-VASE").stock)
            #expect(vase.purchased == 2 && vase.allocated == 2 && vase.available == 0 && vase.outOfStock == 2)
            #expect(try await model.stock(sku: "NO-SUCH-SKU").stock == nil)

            // OutOfStock, the activity feed and the per-minute counts.
            let dashboard = try await model.dashboard().body
            #expect(dashboard.recentOutOfStock.map(\.orderid) == ["order-3", "order-5"])
            #expect(dashboard.recentOutOfStock.first?.occurredAt == "2026-11-26T01:05:00.000Z")  // position 15
            #expect(dashboard.recentActivity.count == History.mixed.count)
            #expect(dashboard.recentActivity.first?.type == "Allocated")
            #expect(dashboard.recentActivity.first(where: { $0.position == 10 })?.detail == "batch_quantity_reduced")
            #expect(
                dashboard.totals
                    == DashboardTotals(
                        skus: 2, batches: 3, purchased: 64, allocated: 17, available: 47, allocations: 3, outOfStock: 2,
                        events: 16))
            #expect(dashboard.eventsPerMinute.count == 60)
            #expect(dashboard.eventsPerMinute.reduce(0) { $0 + $1.total } == 16)
            #expect(dashboard.eventsPerMinute.reduce(0) { $0 + $1.allocated } == 6)
            #expect(dashboard.eventsPerMinute.last?.minute == "2026-11-26T01:05:00.000Z")
        }
    }

    @Test func aBatchAndItsCheckpointCommitTogetherOrNotAtAll() async throws {
        try await withSandbox { sandbox in
            let path = sandbox.path("atomic.sqlite")
            let store = try ProjectionStore(path: path)
            let events = History.mixed.enumerated().map {
                History.envelope(position: $0.offset + 1, payload: $0.element)
            }
            try await store.apply(Array(events[0..<4]))
            let before = try await store.dump()

            // Sabotage: inserting order-4's allocation aborts the transaction half-way through the batch
            // (after positions 5 to 7 were written inside it).
            let saboteur = try secondWriter(path)
            try await saboteur.write { db in
                try db.execute(
                    sql: """
                        CREATE TRIGGER sabotage BEFORE INSERT ON allocations WHEN NEW.orderid = 'order-4'
                        BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                        """)
            }
            await #expect(throws: DatabaseError.self) { try await store.apply(Array(events[4..<12])) }
            #expect(try await store.checkpoint() == 4)
            #expect(try await store.dump() == before)  // nothing of positions 5…7 either

            try await saboteur.write { db in try db.execute(sql: "DROP TRIGGER sabotage") }
            try saboteur.close()
            #expect(try await store.apply(Array(events[4...])) == events.count)
            let reference = try await referenceStore(History.mixed, at: sandbox.path("reference.sqlite"))
            #expect(try await store.dump() == reference.dump())
        }
    }

    @Test func eventsAtOrBelowTheCheckpointAreSkippedAndGapsRefused() async throws {
        try await withSandbox { sandbox in
            let store = try ProjectionStore(path: sandbox.path("idempotent.sqlite"))
            let events = History.mixed.enumerated().map {
                History.envelope(position: $0.offset + 1, payload: $0.element)
            }
            try await store.apply(Array(events[0..<6]))
            // Delivered again, overlapping and whole: each event still counts once.
            try await store.apply(Array(events[0..<6]))
            try await store.apply(Array(events[3..<10]))
            try await store.apply(events)
            let reference = try await referenceStore(History.mixed, at: sandbox.path("reference.sqlite"))
            #expect(try await store.dump() == reference.dump())

            // A batch that would skip a position changes nothing.
            let more = [
                History.envelope(position: 17, payload: History.batch("b-17", "X", 1)),
                History.envelope(position: 19, payload: History.batch("b-19", "X", 1)),
            ]
            await #expect(throws: ProjectionStoreError.notContiguous(expected: 18, got: 19)) {
                try await store.apply(more)
            }
            #expect(try await store.checkpoint() == 16)
        }
    }

    @Test func theDatabaseIsInWALModeAndReopensAtItsCheckpoint() async throws {
        try await withSandbox { sandbox in
            let path = sandbox.path("reopen.sqlite")
            do {
                let store = try await referenceStore(History.mixed, at: path)
                #expect(try await store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
            }
            let reopened = try ProjectionStore(path: path)
            #expect(try await reopened.checkpoint() == History.mixed.count)
        }
    }

    @Test func rebuildingEmptiesTheProjections() async throws {
        try await withSandbox { sandbox in
            let store = try await referenceStore(History.mixed, at: sandbox.path("erase.sqlite"))
            try store.erase()
            #expect(try await store.checkpoint() == 0)
            #expect(try await store.dump().values.allSatisfy(\.isEmpty))
        }
    }

    /// Batches add up counts, totals and feed trimming before writing them: whatever the batch
    /// boundaries, the rows are those of event-by-event application.
    @Test func batchBoundariesDoNotChangeTheRows() async throws {
        try await withSandbox { sandbox in
            // Longer than the activity feed keeps, with moves, deallocations and out-of-stock.
            // It ends on a quantity change of a batch whose allocation is still pending in the batch.
            let payloads =
                History.mixed + History.allocations(count: 1500) + History.mixed.map(RebuildTests.renamed) + [
                    History.allocated("order-7", "BLUE-VASE", 1, "batch-003"),
                    History.quantityChanged("batch-003", "BLUE-VASE", 3),
                ]
            let events = payloads.enumerated().map { History.envelope(position: $0.offset + 1, payload: $0.element) }
            var dumps: [[String: [String]]] = []
            for size in [1, 7, 1000, events.count] {
                let store = try ProjectionStore(path: sandbox.path("batches-\(size).sqlite"))
                var start = 0
                while start < events.count {
                    try await store.apply(Array(events[start..<min(start + size, events.count)]))
                    start += size
                }
                dumps.append(try await store.dump())
                let (counted, kept, minutes) = try await store.read { db in
                    func two(_ sql: String) throws -> [Int] {
                        let row = try Row.fetchOne(db, sql: sql)!
                        return [row[0], row[1]]
                    }
                    return (
                        try two("SELECT (SELECT COUNT(*) FROM allocations), (SELECT COUNT(*) FROM out_of_stock)"),
                        try two("SELECT allocations, out_of_stock FROM totals"),
                        try String.fetchAll(db, sql: "SELECT DISTINCT minute FROM event_counts ORDER BY minute")
                    )
                }
                #expect(counted == kept)
                // Per-minute counts: only the chart's hour is kept, and it counts every event of it.
                func minute(of date: Date) -> String {
                    WireTimestamp.format(
                        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60))
                }
                let lastEvent = try #require(events.last?.occurredAt)
                let hourStart = minute(of: lastEvent.addingTimeInterval(-59 * 60))
                #expect(minutes.first == hourStart && minutes.last == minute(of: lastEvent))
                let chart = try await ReadModel(store: store).dashboard().body.eventsPerMinute
                #expect(
                    chart.reduce(0) { $0 + $1.total }
                        == events.filter { minute(of: $0.occurredAt) >= hourStart }.count)
                let feed = try await ReadModel(store: store).dashboard().body
                #expect(feed.totals.events == events.count)
                #expect(
                    try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM activity") } == 1000)
            }
            #expect(dumps.allSatisfy { $0 == dumps[0] })
        }
    }

    /// A database made before `totals` existed gets it filled from its rows when it is opened.
    @Test func totalsAreFilledInOnAnOlderDatabase() async throws {
        try await withSandbox { sandbox in
            let path = sandbox.path("older.sqlite")
            let reference = try await referenceStore(History.mixed, at: sandbox.path("reference.sqlite")).dump()
            _ = try await referenceStore(History.mixed, at: path)
            // Back to the first schema version, rows kept.
            let older = try DatabaseQueue(path: path)
            try await older.write { db in
                try db.execute(
                    sql: """
                        DROP TABLE totals;
                        DROP INDEX batches_in_order;
                        CREATE INDEX allocations_by_batch ON allocations (batchref);
                        DELETE FROM grdb_migrations WHERE identifier LIKE 'v2:%';
                        """)
            }
            try older.close()
            let reopened = try ProjectionStore(path: path)
            #expect(try await reopened.dump() == reference)
            #expect(try await ReadModel(store: reopened).dashboard().body.totals.allocations == 3)
        }
    }
}
