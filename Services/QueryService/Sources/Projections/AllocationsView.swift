import Contracts
import GRDB

/// The book's `allocations_view`: order line (orderid, sku) → the batch holding it.
enum AllocationsView: Projection {
    static func apply(_ event: EventEnvelope, to db: Database) throws {
        switch event.payload {
        case .allocated(let line):
            try db.run(
                """
                INSERT INTO allocations (orderid, sku, batchref, qty, position) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (orderid, sku) DO UPDATE SET
                    batchref = excluded.batchref, qty = excluded.qty, position = excluded.position
                """,
                [line.orderID, line.sku, line.batchReference, line.quantity, event.position])
        case .deallocated(let line):
            try db.run(
                "DELETE FROM allocations WHERE orderid = ? AND sku = ? AND batchref = ?",
                [line.orderID, line.sku, line.batchReference])
        case .batchCreated, .outOfStock, .batchQuantityChanged:
            break
        }
    }
}
