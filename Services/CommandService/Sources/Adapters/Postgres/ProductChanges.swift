import Domain

/// A unit of work's product changes as the array columns `Statements.Flush` unnests: one entry per
/// changed row, so any number of products, batches and lines are written in one round trip.
struct ProductChanges {
    var productSKUs: [String] = [], oldVersions: [Int] = [], newVersions: [Int] = []
    var newProductSKUs: [String] = [], newProductVersions: [Int] = []
    var batchReferences: [String] = [], batchPurchased: [Int] = [], batchAllocated: [Int] = []
    var newBatchReferences: [String] = [], newBatchSKUs: [String] = []
    var newBatchPurchased: [Int] = [], newBatchAllocated: [Int] = [], newBatchETAs: [String] = []
    var removedLineSKUs: [String] = [], removedLineOrders: [String] = []
    /// Batches that arrived (their eta cleared): rare, so written apart from the flush.
    var arrivedBatches: [String] = []
    var lineOrders: [String] = [], lineSKUs: [String] = [], lineBatches: [String] = [], lineQuantities: [Int] = []

    /// Adds the difference between `product` and what the database holds (`persisted`). With
    /// `verifyUnchanged`, an unchanged product's version is compared-and-set to itself: the commit
    /// then refuses if another writer changed the product since it was read.
    mutating func add(_ product: Product, over persisted: Product?, sku: SKU, verifyUnchanged: Bool = false) {
        if let persisted {
            if product.version != persisted.version || verifyUnchanged {
                productSKUs.append(sku.rawValue)
                oldVersions.append(persisted.version)
                newVersions.append(product.version)
            }
        } else {
            newProductSKUs.append(sku.rawValue)
            newProductVersions.append(product.version)
        }
        for batch in product.batches {
            let old = persisted?.batch(batch.reference)
            if let old {
                if old.eta != nil && batch.eta == nil { arrivedBatches.append(batch.reference.rawValue) }
                if old.purchasedQuantity != batch.purchasedQuantity || old.allocatedQuantity != batch.allocatedQuantity
                {
                    batchReferences.append(batch.reference.rawValue)
                    batchPurchased.append(batch.purchasedQuantity)
                    batchAllocated.append(batch.allocatedQuantity)
                }
            } else {
                newBatchReferences.append(batch.reference.rawValue)
                newBatchSKUs.append(sku.rawValue)
                newBatchPurchased.append(batch.purchasedQuantity)
                newBatchAllocated.append(batch.allocatedQuantity)
                newBatchETAs.append(batch.eta?.description ?? "")
            }
            let before = old?.allocations ?? []
            for line in before where !batch.allocations.contains(line) {
                removedLineSKUs.append(sku.rawValue)
                removedLineOrders.append(line.orderID.rawValue)
            }
            for line in batch.allocations where !before.contains(line) {
                lineOrders.append(line.orderID.rawValue)
                lineSKUs.append(sku.rawValue)
                lineBatches.append(batch.reference.rawValue)
                lineQuantities.append(line.quantity)
            }
        }
    }
}
