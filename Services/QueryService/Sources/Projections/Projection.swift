import Contracts
import Foundation
import GRDB

/// One read model fed by events. Each projection updates its own tables from one event inside the
/// caller's transaction, reading nothing but the event and its own rows, so applying the log in
/// order always gives the same rows whatever the batch boundaries were.
protocol Projection {
    static func apply(_ event: EventEnvelope, in batch: inout ProjectionBatch) throws
}

/// Applies an event to every projection, in a fixed order.
enum Projector {
    static func apply(_ event: EventEnvelope, in batch: inout ProjectionBatch) throws {
        try AllocationsView.apply(event, in: &batch)
        try StockProjection.apply(event, in: &batch)
        try OutOfStockProjection.apply(event, in: &batch)
        try ActivityFeed.apply(event, in: &batch)
        try EventCounts.apply(event, in: &batch)
        batch.totals.events += 1
    }
}

/// The projections' work for one transaction (one batch of events).
///
/// What many events of a batch change together — stock figures, per-minute counts, totals, trimming the
/// activity feed — is added up here and written once in `finish()`, in the same transaction: the
/// rows at each commit are exactly those event-by-event application gives, for a fraction of the
/// statements.
struct ProjectionBatch {
    let db: Database
    private var statements: ProjectionStatements
    /// Position of the batch's last event. Feed rows at or below `lastPosition - retained` would be
    /// trimmed before the commit, so they are not written at all.
    let lastPosition: Int
    var totals = Totals()
    var eventCounts: [EventCounts.Key: (events: Int, units: Int)] = [:]
    var stock = StockProjection.Pending()

    /// Changes to the one-row `totals` table: what the dashboard would otherwise count over tables
    /// that grow with traffic (a million allocations take a millisecond and more to count).
    struct Totals {
        var allocations = 0
        var outOfStock = 0
        var events = 0
    }

    init(db: Database, lastPosition: Int) {
        self.db = db
        self.lastPosition = lastPosition
        statements = ProjectionStatements(db: db)
    }

    /// Runs `sql` with `values` bound in order (see ``ProjectionStatements``); returns the rows changed.
    @discardableResult
    mutating func run<each Value: SQLiteBindable>(_ sql: StaticString, _ values: repeat each Value) throws -> Int {
        try statements.run(sql, repeat each values)
    }

    /// Writes what was added up over the batch.
    mutating func finish() throws {
        try StockProjection.flush(&self)
        for (key, counts) in eventCounts {
            try run(
                """
                INSERT INTO event_counts (minute, type, events, units) VALUES (?, ?, ?, ?)
                ON CONFLICT (minute, type) DO UPDATE SET
                    events = events + excluded.events, units = units + excluded.units
                """, key.minute, key.type.rawValue, counts.events, counts.units)
        }
        // The row appears with the first event, so empty projections have no rows at all.
        try run(
            """
            INSERT INTO totals (id, allocations, out_of_stock, events) VALUES (1, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                allocations = allocations + excluded.allocations, out_of_stock = out_of_stock + excluded.out_of_stock,
                events = events + excluded.events
            """, totals.allocations, totals.outOfStock, totals.events)
        try run("DELETE FROM activity WHERE position <= ?", lastPosition - ActivityFeed.retained)
    }
}
