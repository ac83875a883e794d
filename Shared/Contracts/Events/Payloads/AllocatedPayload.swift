import Domain

/// `Allocated`: an order line now holds stock of a batch.
public struct AllocatedPayload: EventPayloadProtocol {
    public static let eventType = EventType.allocated

    public var orderID: String = ""
    public var sku: String = ""
    public var quantity: Int = 0
    public var batchReference: String = ""

    public var aggregateID: String { sku }

    public init() {}

    public init(orderID: String, sku: String, quantity: Int, batchReference: String) {
        self.orderID = orderID
        self.sku = sku
        self.quantity = quantity
        self.batchReference = batchReference
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("orderid", &orderID)
        try fields.string("sku", &sku)
        try fields.quantity("qty", &quantity)
        try fields.string("batchref", &batchReference)
    }
}

extension AllocatedPayload: DomainEventPayload {
    init(_ event: Allocated) {
        self.init(
            orderID: event.orderID.rawValue, sku: event.sku.rawValue, quantity: event.quantity,
            batchReference: event.batchReference.rawValue)
    }
}
