import Domain

/// `PaymentScheduled`: `amount` is due on `due`.
public struct PaymentScheduledPayload: EventPayloadProtocol {
    public static let eventType = EventType.paymentScheduled

    public var supplier: String = ""
    public var number: String = ""
    public var due: String = ""
    public var amount: Int = 0
    public var currency: String = ""

    public var aggregateID: String { "invoice:\(supplier)/\(number)" }

    public init() {}

    public init(supplier: String, number: String, due: String, amount: Int, currency: String) {
        self.supplier = supplier
        self.number = number
        self.due = due
        self.amount = amount
        self.currency = currency
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("supplier", &supplier)
        try fields.string("invoice", &number)
        try fields.string("due", &due)
        try fields.integer("amount", &amount)
        try fields.string("currency", &currency)
    }
}

extension PaymentScheduledPayload: DomainEventPayload {
    init(_ event: PaymentScheduled) {
        self.init(
            supplier: event.supplier.rawValue, number: event.number.rawValue, due: event.due.description,
            amount: event.amount.minorUnits, currency: event.amount.currency.code)
    }
}
