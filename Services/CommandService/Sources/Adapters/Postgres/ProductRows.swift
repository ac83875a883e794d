import Domain

/// Products put together from the rows `Statements.LoadProducts` and `Statements.ReadAhead` answer:
/// rows come by product, then batch, and a batch has a row per known line (or one without).
struct ProductRows {
    private var loaded: [(sku: SKU, version: Int, batches: [Batch])] = []

    /// Adds one row; a product without batches has one row with no batch.
    mutating func add(
        sku rawSKU: String, version: Int, reference: String?, purchased: Int?, allocated: Int?, eta: String?,
        order: String?, quantity: Int?
    ) throws {
        let sku = SKU(unchecked: rawSKU)
        if loaded.last?.sku != sku { loaded.append((sku, version, [])) }
        guard let reference, let purchased, let allocated else { return }
        let line = try order.flatMap { order in
            try quantity.map { try OrderLine(orderID: OrderID(unchecked: order), sku: sku, quantity: $0) }
        }
        var product = loaded.removeLast()
        if let last = product.batches.last, last.reference == BatchReference(unchecked: reference) {
            product.batches[product.batches.count - 1] = Batch(
                reference: last.reference, sku: sku, eta: last.eta, purchasedQuantity: last.purchasedQuantity,
                allocatedQuantity: last.allocatedQuantity,
                knownAllocations: last.allocations + (line.map { [$0] } ?? []))
        } else {
            product.batches.append(
                Batch(
                    reference: BatchReference(unchecked: reference), sku: sku,
                    eta: try eta.map({ try Day(iso8601: $0) }),
                    purchasedQuantity: purchased, allocatedQuantity: allocated,
                    knownAllocations: line.map { [$0] } ?? []))
        }
        loaded.append(product)
    }

    var products: [Product] { loaded.map { Product(sku: $0.sku, batches: $0.batches, version: $0.version) } }
}
