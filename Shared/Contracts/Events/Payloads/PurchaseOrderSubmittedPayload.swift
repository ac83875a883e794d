import Domain

/// `PurchaseOrderSubmitted`.
public struct PurchaseOrderSubmittedPayload: EventPayloadProtocol {
    public static let eventType = EventType.purchaseOrderSubmitted

    public var number: String = ""
    public var total: Int = 0
    public var currency: String = ""
    public var by: String = ""

    public var aggregateID: String { "po:\(number)" }

    public init() {}

    public init(number: String, total: Int, currency: String, by: String) {
        self.number = number
        self.total = total
        self.currency = currency
        self.by = by
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.integer("total", &total)
        try fields.string("currency", &currency)
        try fields.string("by", &by)
    }
}

extension PurchaseOrderSubmittedPayload: DomainEventPayload {
    init(_ event: PurchaseOrderSubmitted) {
        self.init(
            number: event.number.rawValue, total: event.total.minorUnits, currency: event.total.currency.code,
            by: event.by.rawValue)
    }
}
