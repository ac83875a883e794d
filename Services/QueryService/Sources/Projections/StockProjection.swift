import Contracts
import GRDB

/// Stock by batch and by SKU: purchased, allocated, and so available, with each batch's eta.
///
/// Allocations and out-of-stock only add to figures, so they are added up per batch and SKU over
/// the transaction (`Pending`) and written once each in `flush`: a thousand allocations of one SKU
/// cost one statement, not a thousand. The rows still come out exactly as event-by-event
/// application leaves them: a batch's creation first writes what is pending for that batch alone,
/// and a quantity change writes `purchased`, which nothing pending touches, and moves the pending
/// last position on. (Flushing everything at each quantity change wrote every SKU row once per
/// change: one statement per event at a change every thousand events.)
enum StockProjection: Projection {
    /// What the transaction has added up and not written yet.
    /// Batches and SKUs are keyed as identifiers compare (`IdentifierKey`), not as `String`s.
    struct Pending {
        var batches: [IdentifierKey: (allocated: Int, position: Int)] = [:]
        var skus: [IdentifierKey: SKUChange] = [:]
    }

    struct SKUChange {
        var batches = 0
        var purchased = 0
        var allocated = 0
        var outOfStock = 0
        var position = 0
    }

    static func apply(_ event: EventEnvelope, in batch: inout ProjectionBatch) throws {
        let position = event.position
        switch event.payload {
        case .batchCreated(let created):
            try flush(batchRow: created.reference, &batch)
            try batch.run(
                """
                INSERT INTO batches (ref, sku, eta, purchased, allocated, created_position, last_position)
                VALUES (?, ?, ?, ?, 0, ?, ?)
                """,
                created.reference, created.sku, created.eta, created.quantity, position, position)
            batch.stock.skus[IdentifierKey(created.sku), default: SKUChange()].add(
                batches: 1, purchased: created.quantity, at: position)
        case .allocated(let line):
            changeAllocated(by: line.quantity, batch: line.batchReference, sku: line.sku, position, &batch)
        case .deallocated(let line):
            changeAllocated(by: -line.quantity, batch: line.batchReference, sku: line.sku, position, &batch)
        case .batchQuantityChanged(let change):
            // A pending allocation's position is older: keep the row's last position this one.
            batch.stock.batches[IdentifierKey(change.reference)]?.position = position
            let previous =
                try Int.fetchOne(
                    batch.db.cachedStatement(sql: "SELECT purchased FROM batches WHERE ref = ?"),
                    arguments: [change.reference])
                ?? 0
            try batch.run(
                "UPDATE batches SET purchased = ?, last_position = ? WHERE ref = ?",
                change.quantity, position, change.reference)
            batch.stock.skus[IdentifierKey(change.sku), default: SKUChange()].add(
                purchased: change.quantity - previous, at: position)
        case .outOfStock(let line):
            batch.stock.skus[IdentifierKey(line.sku), default: SKUChange()].add(outOfStock: 1, at: position)
        case .batchArrived(let arrived):
            // Stock on order became warehouse stock; nothing pending touches the eta.
            batch.stock.batches[IdentifierKey(arrived.reference)]?.position = position
            try batch.run("UPDATE batches SET eta = NULL, last_position = ? WHERE ref = ?", position, arrived.reference)
            batch.stock.skus[IdentifierKey(arrived.sku), default: SKUChange()].add(at: position)
        default:
            break  // procurement's events: its own projections
        }
    }

    private static func changeAllocated(
        by units: Int, batch ref: String, sku: String, _ position: Int, _ batch: inout ProjectionBatch
    ) {
        func add(to change: inout (allocated: Int, position: Int)) {
            change.allocated += units
            change.position = position
        }
        add(to: &batch.stock.batches[IdentifierKey(ref), default: (0, 0)])
        batch.stock.skus[IdentifierKey(sku), default: SKUChange()].add(allocated: units, at: position)
    }

    /// Writes what was added up: per batch row one update (a batch no event created stays absent, as
    /// it would one event at a time), per SKU one upsert that creates the row on its first event.
    static func flush(_ batch: inout ProjectionBatch) throws {
        let pending = batch.stock
        batch.stock = Pending()
        for (ref, change) in pending.batches {
            try update(ref.text, by: change, &batch)
        }
        for (sku, change) in pending.skus {
            try batch.run(
                """
                INSERT INTO skus (sku, batches, purchased, allocated, out_of_stock, last_position)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (sku) DO UPDATE SET
                    batches = batches + excluded.batches, purchased = purchased + excluded.purchased,
                    allocated = allocated + excluded.allocated, out_of_stock = out_of_stock + excluded.out_of_stock,
                    last_position = excluded.last_position
                """, sku.text, change.batches, change.purchased, change.allocated, change.outOfStock, change.position)
        }
    }

    /// Writes what is pending for one batch row only.
    private static func flush(batchRow ref: String, _ batch: inout ProjectionBatch) throws {
        guard let change = batch.stock.batches.removeValue(forKey: IdentifierKey(ref)) else { return }
        try update(ref, by: change, &batch)
    }

    private static func update(
        _ ref: String, by change: (allocated: Int, position: Int), _ batch: inout ProjectionBatch
    )
        throws
    {
        try batch.run(
            "UPDATE batches SET allocated = allocated + ?, last_position = ? WHERE ref = ?",
            change.allocated, change.position, ref)
    }
}

extension StockProjection.SKUChange {
    /// Adds an event's change; the last position is the latest event's, as positions only grow.
    mutating func add(batches: Int = 0, purchased: Int = 0, allocated: Int = 0, outOfStock: Int = 0, at position: Int) {
        self.batches += batches
        self.purchased += purchased
        self.allocated += allocated
        self.outOfStock += outOfStock
        self.position = position
    }
}
