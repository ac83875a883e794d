import Domain

/// `PurchaseOrderItemRemoved`: `total` is the order's total after the change.
public struct PurchaseOrderItemRemovedPayload: EventPayloadProtocol {
    public static let eventType = EventType.purchaseOrderItemRemoved

    public var number: String = ""
    public var line: Int = 0
    public var total: Int = 0
    public var currency: String = ""

    public var aggregateID: String { "po:\(number)" }

    public init() {}

    public init(number: String, line: Int, total: Int, currency: String) {
        self.number = number
        self.line = line
        self.total = total
        self.currency = currency
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.integer("line", &line)
        try fields.integer("total", &total)
        try fields.string("currency", &currency)
    }
}

extension PurchaseOrderItemRemovedPayload: DomainEventPayload {
    init(_ event: PurchaseOrderItemRemoved) {
        self.init(
            number: event.number.rawValue, line: event.line, total: event.total.minorUnits,
            currency: event.total.currency.code)
    }
}
