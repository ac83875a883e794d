import Contracts
import GRDB

/// Stock by batch and by SKU: purchased, allocated, and so available, with each batch's eta.
enum StockProjection: Projection {
    static func apply(_ event: EventEnvelope, in batch: inout ProjectionBatch) throws {
        let position = event.position
        switch event.payload {
        case .batchCreated(let created):
            try batch.run(
                """
                INSERT INTO batches (ref, sku, eta, purchased, allocated, created_position, last_position)
                VALUES (?, ?, ?, ?, 0, ?, ?)
                """,
                created.reference, created.sku, created.eta, created.quantity, position, position)
            try changeSKU(created.sku, position, batches: 1, purchased: created.quantity, &batch)
        case .allocated(let line):
            try changeAllocated(by: line.quantity, batch: line.batchReference, sku: line.sku, position, &batch)
        case .deallocated(let line):
            try changeAllocated(by: -line.quantity, batch: line.batchReference, sku: line.sku, position, &batch)
        case .batchQuantityChanged(let change):
            let previous =
                try Int.fetchOne(
                    batch.db.cachedStatement(sql: "SELECT purchased FROM batches WHERE ref = ?"),
                    arguments: [change.reference])
                ?? 0
            try batch.run(
                "UPDATE batches SET purchased = ?, last_position = ? WHERE ref = ?",
                change.quantity, position, change.reference)
            try changeSKU(change.sku, position, purchased: change.quantity - previous, &batch)
        case .outOfStock(let line):
            try changeSKU(line.sku, position, outOfStock: 1, &batch)
        }
    }

    private static func changeAllocated(
        by units: Int, batch ref: String, sku: String, _ position: Int, _ batch: inout ProjectionBatch
    ) throws {
        try batch.run(
            "UPDATE batches SET allocated = allocated + ?, last_position = ? WHERE ref = ?", units, position, ref)
        try changeSKU(sku, position, allocated: units, &batch)
    }

    /// Adds to the SKU's figures, creating its row on its first event, and records the last position
    /// that changed it: one statement, whichever figure moves.
    private static func changeSKU(
        _ sku: String, _ position: Int, batches: Int = 0, purchased: Int = 0, allocated: Int = 0, outOfStock: Int = 0,
        _ batch: inout ProjectionBatch
    ) throws {
        try batch.run(
            """
            INSERT INTO skus (sku, batches, purchased, allocated, out_of_stock, last_position) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (sku) DO UPDATE SET
                batches = batches + excluded.batches, purchased = purchased + excluded.purchased,
                allocated = allocated + excluded.allocated, out_of_stock = out_of_stock + excluded.out_of_stock,
                last_position = excluded.last_position
            """, sku, batches, purchased, allocated, outOfStock, position)
    }
}
