/// `CreateBatch`: `eta` is `YYYY-MM-DD`, or null for stock on hand.
public struct CreateBatchPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.createBatch

    public var reference: String = ""
    public var sku: String = ""
    public var quantity: Int = 0
    public var eta: String?

    public init() {}

    public init(reference: String, sku: String, quantity: Int, eta: String? = nil) {
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
