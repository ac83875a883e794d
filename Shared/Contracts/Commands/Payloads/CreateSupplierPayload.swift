/// `CreateSupplier`: `currency` is an ISO 4217 code; `terms_days` the days an invoice gives to pay.
public struct CreateSupplierPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.createSupplier

    public var supplier: String = ""
    public var name: String = ""
    public var currency: String = ""
    public var termsDays: Int = 0

    public init() {}

    public init(supplier: String, name: String, currency: String, termsDays: Int) {
        self.supplier = supplier
        self.name = name
        self.currency = currency
        self.termsDays = termsDays
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("supplier", &supplier)
        try fields.string("name", &name)
        try fields.string("currency", &currency)
        try fields.integer("terms_days", &termsDays)
    }
}
