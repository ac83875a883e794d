import Domain

/// `Deallocated`: the line no longer holds stock of that batch. `reason` is `requested` (a
/// `Deallocate` command) or `batch_quantity_reduced` (the batch shrank; the service reallocates the
/// line, so a later `Allocated` or `OutOfStock` follows). Kept a string so a reader survives reasons
/// added later.
public struct DeallocatedPayload: EventPayloadProtocol {
    public static let eventType = EventType.deallocated

    public var orderID: String = ""
    public var sku: String = ""
    public var quantity: Int = 0
    public var batchReference: String = ""
    public var reason: String = ""

    public var aggregateID: String { sku }

    public init() {}

    public init(orderID: String, sku: String, quantity: Int, batchReference: String, reason: String) {
        self.orderID = orderID
        self.sku = sku
        self.quantity = quantity
        self.batchReference = batchReference
        self.reason = reason
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("orderid", &orderID)
        try fields.string("sku", &sku)
        try fields.quantity("qty", &quantity)
        try fields.string("batchref", &batchReference)
        try fields.string("reason", &reason)
    }
}

extension DeallocatedPayload: DomainEventPayload {
    init(_ event: Deallocated) {
        self.init(
            orderID: event.orderID.rawValue, sku: event.sku.rawValue, quantity: event.quantity,
            batchReference: event.batchReference.rawValue, reason: event.reason.rawValue)
    }
}
