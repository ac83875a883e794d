import Domain

/// `PaymentMade`: `balance` is what is still owed after it.
public struct PaymentMadePayload: EventPayloadProtocol {
    public static let eventType = EventType.paymentMade

    public var supplier: String = ""
    public var number: String = ""
    public var amount: Int = 0
    public var currency: String = ""
    public var paidOn: String = ""
    public var reference: String = ""
    public var balance: Int = 0

    public var aggregateID: String { "invoice:\(supplier)/\(number)" }

    public init() {}

    public init(
        supplier: String, number: String, amount: Int, currency: String, paidOn: String, reference: String, balance: Int
    ) {
        self.supplier = supplier
        self.number = number
        self.amount = amount
        self.currency = currency
        self.paidOn = paidOn
        self.reference = reference
        self.balance = balance
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("supplier", &supplier)
        try fields.string("invoice", &number)
        try fields.integer("amount", &amount)
        try fields.string("currency", &currency)
        try fields.string("paid_on", &paidOn)
        try fields.string("reference", &reference)
        try fields.integer("balance", &balance)
    }
}

extension PaymentMadePayload: DomainEventPayload {
    init(_ event: PaymentMade) {
        self.init(
            supplier: event.supplier.rawValue, number: event.number.rawValue, amount: event.amount.minorUnits,
            currency: event.amount.currency.code, paidOn: event.paidOn.description, reference: event.reference,
            balance: event.balance.minorUnits)
    }
}
