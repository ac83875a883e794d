import Domain

/// `PurchaseOrderCreated`: a draft order, in its supplier's currency.
public struct PurchaseOrderCreatedPayload: EventPayloadProtocol {
    public static let eventType = EventType.purchaseOrderCreated

    public var number: String = ""
    public var supplier: String = ""
    public var currency: String = ""
    public var requester: String = ""
    public var expectedDelivery: String = ""

    public var aggregateID: String { "po:\(number)" }

    public init() {}

    public init(number: String, supplier: String, currency: String, requester: String, expectedDelivery: String) {
        self.number = number
        self.supplier = supplier
        self.currency = currency
        self.requester = requester
        self.expectedDelivery = expectedDelivery
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.string("supplier", &supplier)
        try fields.string("currency", &currency)
        try fields.string("requester", &requester)
        try fields.string("expected_delivery", &expectedDelivery)
    }
}

extension PurchaseOrderCreatedPayload: DomainEventPayload {
    init(_ event: PurchaseOrderCreated) {
        self.init(
            number: event.number.rawValue, supplier: event.supplier.rawValue, currency: event.currency.code,
            requester: event.requester.rawValue, expectedDelivery: event.expectedDelivery.description)
    }
}
