// The allocation context's commands: what clients may ask of it. Fields are already valid domain
// values, so a handler never sees an empty SKU or a negative quantity.

/// Adds a batch of stock, arrived (`eta == nil`) or due on a day.
public struct CreateBatch: Command, Hashable {
    public let reference: BatchReference
    public let sku: SKU
    public let quantity: Int
    public let eta: Day?

    public init(reference: BatchReference, sku: SKU, quantity: Int, eta: Day? = nil) throws(DomainError) {
        self.reference = reference
        self.sku = sku
        self.quantity = try Quantity.batch(quantity)
        self.eta = eta
    }
}

/// Reserves stock for an order line, from the preferred batch that can take it.
public struct Allocate: Command, Hashable {
    public let line: OrderLine

    public init(line: OrderLine) { self.line = line }
    public init(orderID: OrderID, sku: SKU, quantity: Int) throws(DomainError) {
        line = try OrderLine(orderID: orderID, sku: sku, quantity: quantity)
    }
}

/// Gives back the stock an order line holds.
public struct Deallocate: Command, Hashable {
    public let orderID: OrderID
    public let sku: SKU

    public init(orderID: OrderID, sku: SKU) {
        self.orderID = orderID
        self.sku = sku
    }
}

/// Corrects a batch's purchased quantity; lines that no longer fit are reallocated elsewhere.
public struct ChangeBatchQuantity: Command, Hashable {
    public let reference: BatchReference
    public let quantity: Int

    public init(reference: BatchReference, quantity: Int) throws(DomainError) {
        self.reference = reference
        self.quantity = try Quantity.batch(quantity)
    }
}

/// The stock of a batch due on a day has arrived: it becomes warehouse stock.
public struct RecordBatchArrival: Command, Hashable {
    public let reference: BatchReference

    public init(reference: BatchReference) { self.reference = reference }
}
