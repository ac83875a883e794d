import Contracts
import GRDB

/// Stock by batch and by SKU: purchased, allocated, and so available, with each batch's eta.
enum StockProjection: Projection {
    static func apply(_ event: EventEnvelope, to db: Database) throws {
        let position = event.position
        switch event.payload {
        case .batchCreated(let batch):
            try db.run(
                """
                INSERT INTO batches (ref, sku, eta, purchased, allocated, created_position, last_position)
                VALUES (?, ?, ?, ?, 0, ?, ?)
                """,
                [batch.reference, batch.sku, batch.eta, batch.quantity, position, position])
            try touchSKU(batch.sku, position, db)
            try db.run(
                "UPDATE skus SET batches = batches + 1, purchased = purchased + ? WHERE sku = ?",
                [batch.quantity, batch.sku])
        case .allocated(let line):
            try changeAllocated(by: line.quantity, batch: line.batchReference, sku: line.sku, position, db)
        case .deallocated(let line):
            try changeAllocated(by: -line.quantity, batch: line.batchReference, sku: line.sku, position, db)
        case .batchQuantityChanged(let change):
            let previous =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT purchased FROM batches WHERE ref = ?"),
                    arguments: [change.reference])
                ?? 0
            try db.run(
                "UPDATE batches SET purchased = ?, last_position = ? WHERE ref = ?",
                [change.quantity, position, change.reference])
            try touchSKU(change.sku, position, db)
            try db.run(
                "UPDATE skus SET purchased = purchased + ? WHERE sku = ?",
                [change.quantity - previous, change.sku])
        case .outOfStock(let line):
            try touchSKU(line.sku, position, db)
            try db.run("UPDATE skus SET out_of_stock = out_of_stock + 1 WHERE sku = ?", [line.sku])
        }
    }

    private static func changeAllocated(by units: Int, batch: String, sku: String, _ position: Int, _ db: Database)
        throws
    {
        try db.run(
            "UPDATE batches SET allocated = allocated + ?, last_position = ? WHERE ref = ?", [units, position, batch])
        try touchSKU(sku, position, db)
        try db.run("UPDATE skus SET allocated = allocated + ? WHERE sku = ?", [units, sku])
    }

    /// Creates the SKU's row on its first event and records the last position that changed it.
    private static func touchSKU(_ sku: String, _ position: Int, _ db: Database) throws {
        try db.run(
            """
            INSERT INTO skus (sku, last_position) VALUES (?, ?)
            ON CONFLICT (sku) DO UPDATE SET last_position = excluded.last_position
            """, [sku, position])
    }
}
