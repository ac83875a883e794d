import Domain

/// `BatchQuantityChanged`: a batch's purchased quantity is now `qty`.
public struct BatchQuantityChangedPayload: EventPayloadProtocol {
    public static let eventType = EventType.batchQuantityChanged

    public var reference: String = ""
    public var sku: String = ""
    public var quantity: Int = 0

    public var aggregateID: String { sku }

    public init() {}

    public init(reference: String, sku: String, quantity: Int) {
        self.reference = reference
        self.sku = sku
        self.quantity = quantity
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("ref", &reference)
        try fields.string("sku", &sku)
        try fields.quantity("qty", &quantity)
    }
}

extension BatchQuantityChangedPayload: DomainEventPayload {
    init(_ event: BatchQuantityChanged) {
        self.init(reference: event.reference.rawValue, sku: event.sku.rawValue, quantity: event.quantity)
    }
}
