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
        try AllocationsProjection.apply(event, in: &batch)
        try StockProjection.apply(event, in: &batch)
        try OutOfStockProjection.apply(event, in: &batch)
        try ActivityFeedProjection.apply(event, in: &batch)
        try EventCountsProjection.apply(event, in: &batch)
        try TotalsProjection.apply(event, in: &batch)
        try ProcurementProjection.apply(event, in: &batch)
    }

    /// Writes what the projections added up over a batch, once, before it commits.
    static func flush(_ batch: inout ProjectionBatch) throws {
        try StockProjection.flush(&batch)
        try EventCountsProjection.flush(&batch)
        try TotalsProjection.flush(&batch)
        try ActivityFeedProjection.flush(&batch)
        try ProcurementProjection.flush(&batch)
    }
}

/// The projections' work for one transaction (one batch of events).
///
/// What many events of a batch change together — stock figures, per-minute counts, totals, trimming the
/// activity feed — is added up here and written once in `finish()`, each by its own projection's
/// `flush`, in the same transaction: the rows at each commit are exactly those event-by-event
/// application gives, for a fraction of the statements.
struct ProjectionBatch {
    let db: Database
    private var statements: ProjectionStatements
    /// Position of the batch's last event. Feed rows at or below `lastPosition - retained` would be
    /// trimmed before the commit, so they are not written at all.
    let lastPosition: Int
    var totals = TotalsProjection.Pending()
    var eventCounts: [EventCountsProjection.Key: (events: Int, units: Int)] = [:]
    var stock = StockProjection.Pending()
    var procurement = ProcurementProjection.Pending()

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

    /// Whether the query `sql` finds a row for `values` (see ``ProjectionStatements``).
    mutating func exists<each Value: SQLiteBindable>(_ sql: StaticString, _ values: repeat each Value) throws -> Bool {
        try statements.exists(sql, repeat each values)
    }

    /// Writes what the projections added up over the batch (each its own rows).
    mutating func finish() throws {
        try Projector.flush(&self)
    }
}
