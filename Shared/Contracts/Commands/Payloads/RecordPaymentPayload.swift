/// `RecordPayment`: `amount` in minor units of `currency`, at most what is owed.
public struct RecordPaymentPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.recordPayment

    public var supplier: String = ""
    public var number: String = ""
    public var amount: Int = 0
    public var currency: String = ""
    public var paidOn: String = ""
    public var reference: String = ""

    public init() {}

    public init(supplier: String, number: String, amount: Int, currency: String, paidOn: String, reference: String) {
        self.supplier = supplier
        self.number = number
        self.amount = amount
        self.currency = currency
        self.paidOn = paidOn
        self.reference = reference
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("supplier", &supplier)
        try fields.string("invoice", &number)
        try fields.integer("amount", &amount)
        try fields.string("currency", &currency)
        try fields.string("paid_on", &paidOn)
        try fields.string("reference", &reference)
    }
}
