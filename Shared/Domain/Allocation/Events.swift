// The allocation context's events: facts about a `Product`, in the domain's words. Each names its
// SKU, the aggregate it belongs to, so that one product's events keep their order.

/// A product's event. The SKU is the aggregate's identity.
public protocol ProductEvent: Event, Hashable {
    var sku: SKU { get }
}

extension ProductEvent {
    public var aggregateID: String { sku.rawValue }
}

public struct BatchCreated: ProductEvent {
    public let reference: BatchReference
    public let sku: SKU
    public let quantity: Int
    public let eta: Day?

    public init(reference: BatchReference, sku: SKU, quantity: Int, eta: Day?) {
        self.reference = reference
        self.sku = sku
        self.quantity = quantity
        self.eta = eta
    }
}

public struct Allocated: ProductEvent {
    public let line: OrderLine
    public let batchReference: BatchReference

    public init(line: OrderLine, batchReference: BatchReference) {
        self.line = line
        self.batchReference = batchReference
    }

    public var orderID: OrderID { line.orderID }
    public var sku: SKU { line.sku }
    public var quantity: Int { line.quantity }
}

/// A line lost its stock: on request, or released because its batch shrank — then the service
/// layer allocates it again, and the reason tells the two apart.
public struct Deallocated: ProductEvent {
    public enum Reason: String, Hashable, Sendable, CaseIterable {
        /// A client asked (`Deallocate`).
        case requested
        /// `ChangeBatchQuantity` left too little stock for it; it should be allocated elsewhere.
        case batchQuantityReduced = "batch_quantity_reduced"
    }

    public let line: OrderLine
    public let batchReference: BatchReference
    public let reason: Reason

    public init(line: OrderLine, batchReference: BatchReference, reason: Reason) {
        self.line = line
        self.batchReference = batchReference
        self.reason = reason
    }

    public var orderID: OrderID { line.orderID }
    public var sku: SKU { line.sku }
    public var quantity: Int { line.quantity }
}

/// No batch could take a line; nothing was allocated.
public struct OutOfStock: ProductEvent {
    public let sku: SKU
    public let orderID: OrderID
    public let quantity: Int

    public init(sku: SKU, orderID: OrderID, quantity: Int) {
        self.sku = sku
        self.orderID = orderID
        self.quantity = quantity
    }
}

public struct BatchQuantityChanged: ProductEvent {
    public let reference: BatchReference
    public let sku: SKU
    public let quantity: Int

    public init(reference: BatchReference, sku: SKU, quantity: Int) {
        self.reference = reference
        self.sku = sku
        self.quantity = quantity
    }
}

/// A batch due on a day arrived and is warehouse stock now (its eta is gone).
public struct BatchArrived: ProductEvent {
    public let reference: BatchReference
    public let sku: SKU

    public init(reference: BatchReference, sku: SKU) {
        self.reference = reference
        self.sku = sku
    }
}
