import Contracts
import GRDB

/// Every `OutOfStock` occurrence, kept whole: demand the stock could not meet.
enum OutOfStockProjection: Projection {
    static func apply(_ event: EventEnvelope, in batch: inout ProjectionBatch) throws {
        guard case .outOfStock(let line) = event.payload else { return }
        try batch.run(
            "INSERT INTO out_of_stock (position, sku, orderid, qty, occurred_at) VALUES (?, ?, ?, ?, ?)",
            event.position, line.sku, line.orderID, line.quantity, Timestamps.format(event.occurredAt))
        batch.totals.outOfStock += 1
    }
}
