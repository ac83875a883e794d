/// `RejectInvoice`: with a reason.
public struct RejectInvoicePayload: CommandPayloadProtocol {
    public static let commandType = CommandType.rejectInvoice

    public var supplier: String = ""
    public var number: String = ""
    public var reason: String = ""

    public init() {}

    public init(supplier: String, number: String, reason: String) {
        self.supplier = supplier
        self.number = number
        self.reason = reason
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("supplier", &supplier)
        try fields.string("invoice", &number)
        try fields.string("reason", &reason)
    }
}
