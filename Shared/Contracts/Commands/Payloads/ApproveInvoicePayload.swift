/// `ApproveInvoice`: `override_reason` is required when the invoice does not match.
public struct ApproveInvoicePayload: CommandPayloadProtocol {
    public static let commandType = CommandType.approveInvoice

    public var supplier: String = ""
    public var number: String = ""
    public var overrideReason: String?

    public init() {}

    public init(supplier: String, number: String, overrideReason: String? = nil) {
        self.supplier = supplier
        self.number = number
        self.overrideReason = overrideReason
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("supplier", &supplier)
        try fields.string("invoice", &number)
        try fields.optionalString("override_reason", &overrideReason)
    }
}
