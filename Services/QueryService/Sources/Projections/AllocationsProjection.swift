import Contracts
import GRDB

/// The book's `allocations_view`: order line (orderid, sku) → the batch holding it.
enum AllocationsProjection: Projection {
    static func apply(_ event: EventEnvelope, in batch: inout ProjectionBatch) throws {
        switch event.payload {
        case .allocated(let line):
            // Insert first, as a new line is the common case; the change count tells a new line
            // (counted in the totals) from a moved one.
            let inserted = try batch.run(
                """
                INSERT INTO allocations (orderid, sku, batchref, qty, position) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (orderid, sku) DO NOTHING
                """,
                line.orderID, line.sku, line.batchReference, line.quantity, event.position)
            if inserted == 1 {
                batch.totals.allocations += 1
            } else {
                try batch.run(
                    "UPDATE allocations SET batchref = ?, qty = ?, position = ? WHERE orderid = ? AND sku = ?",
                    line.batchReference, line.quantity, event.position, line.orderID, line.sku)
            }
        case .deallocated(let line):
            batch.totals.allocations -= try batch.run(
                "DELETE FROM allocations WHERE orderid = ? AND sku = ? AND batchref = ?",
                line.orderID, line.sku, line.batchReference)
        default:
            break
        }
    }
}
