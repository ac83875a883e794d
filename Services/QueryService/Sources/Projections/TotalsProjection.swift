import Contracts
import GRDB

/// The one-row `totals` table: what the dashboard would otherwise count over tables that grow with
/// traffic (a million allocations take a millisecond and more to count). The projections whose rows
/// are counted add to ``Pending`` as they apply an event; this one counts the events and writes the
/// batch's changes once, in ``flush(_:)``.
enum TotalsProjection: Projection {
    /// Changes to the totals over one batch.
    struct Pending {
        var allocations = 0
        var outOfStock = 0
        var events = 0
    }

    static func apply(_ event: EventEnvelope, in batch: inout ProjectionBatch) throws {
        batch.totals.events += 1
    }

    static func flush(_ batch: inout ProjectionBatch) throws {
        // The row appears with the first event, so empty projections have no rows at all.
        let totals = batch.totals
        try batch.run(
            """
            INSERT INTO totals (id, allocations, out_of_stock, events) VALUES (1, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                allocations = allocations + excluded.allocations, out_of_stock = out_of_stock + excluded.out_of_stock,
                events = events + excluded.events
            """, totals.allocations, totals.outOfStock, totals.events)
    }
}
