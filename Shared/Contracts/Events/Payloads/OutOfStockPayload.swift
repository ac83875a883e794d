import Domain

/// `OutOfStock`: no batch could take the line; nothing was allocated.
public struct OutOfStockPayload: EventPayloadProtocol {
    public static let eventType = EventType.outOfStock

    public var sku: String = ""
    public var orderID: String = ""
    public var quantity: Int = 0

    public var aggregateID: String { sku }

    public init() {}

    public init(sku: String, orderID: String, quantity: Int) {
        self.sku = sku
        self.orderID = orderID
        self.quantity = quantity
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("sku", &sku)
        try fields.string("orderid", &orderID)
        try fields.quantity("qty", &quantity)
    }
}

extension OutOfStockPayload: DomainEventPayload {
    init(_ event: OutOfStock) {
        self.init(sku: event.sku.rawValue, orderID: event.orderID.rawValue, quantity: event.quantity)
    }
}
