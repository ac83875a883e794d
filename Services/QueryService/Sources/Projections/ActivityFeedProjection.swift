import Contracts
import GRDB

/// The latest events in a readable form for the dashboard's feed. Only the last `retained` rows
/// are kept; trimming is by position (once per batch, in ``flush(_:)``), so it is as deterministic
/// as the rest.
enum ActivityFeedProjection: Projection {
    static let retained = 1000

    static func apply(_ event: EventEnvelope, in batch: inout ProjectionBatch) throws {
        // Trimmed before this batch commits anyway.
        guard event.position > batch.lastPosition - retained else { return }
        let fields: (orderid: String?, batchref: String?, qty: Int, detail: String?)? =
            switch event.payload {
            case .batchCreated(let p): (nil, p.reference, p.quantity, p.eta.map { "eta " + $0 } ?? "in warehouse")
            case .allocated(let p): (p.orderID, p.batchReference, p.quantity, nil)
            case .deallocated(let p): (p.orderID, p.batchReference, p.quantity, p.reason)
            case .outOfStock(let p): (p.orderID, nil, p.quantity, nil)
            case .batchQuantityChanged(let p): (nil, p.reference, p.quantity, nil)
            case .batchArrived(let p): (nil, p.reference, 0, "arrived")
            default: nil  // the allocation dashboard's feed: procurement has its own views
            }
        guard let fields else { return }
        try batch.run(
            """
            INSERT INTO activity (position, occurred_at, type, sku, orderid, batchref, qty, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            event.position, Timestamps.format(event.occurredAt), event.type.rawValue, event.payload.aggregateID,
            fields.orderid, fields.batchref, fields.qty, fields.detail)
    }

    /// Trims the feed to the last `retained` events, once per batch.
    static func flush(_ batch: inout ProjectionBatch) throws {
        try batch.run("DELETE FROM activity WHERE position <= ?", batch.lastPosition - retained)
    }
}
