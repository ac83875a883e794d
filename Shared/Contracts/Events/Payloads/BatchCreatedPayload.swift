import Domain

/// `BatchCreated`: a batch of stock came into being; `eta` is null for stock on hand.
public struct BatchCreatedPayload: EventPayloadProtocol {
    public static let eventType = EventType.batchCreated

    public var reference: String = ""
    public var sku: String = ""
    public var quantity: Int = 0
    public var eta: String?

    public var aggregateID: String { sku }

    public init() {}

    public init(reference: String, sku: String, quantity: Int, eta: String?) {
        self.reference = reference
        self.sku = sku
        self.quantity = quantity
        self.eta = eta
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("ref", &reference)
        try fields.string("sku", &sku)
        try fields.quantity("qty", &quantity)
        try fields.optionalString("eta", &eta)
    }
}

extension BatchCreatedPayload: DomainEventPayload {
    init(_ event: BatchCreated) {
        self.init(
            reference: event.reference.rawValue, sku: event.sku.rawValue, quantity: event.quantity,
            eta: event.eta?.description)
    }
}
