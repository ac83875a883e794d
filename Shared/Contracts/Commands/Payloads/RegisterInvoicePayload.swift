/// `RegisterInvoice`: prices in minor units of `currency`, which must be the order's.
public struct RegisterInvoicePayload: CommandPayloadProtocol {
    public static let commandType = CommandType.registerInvoice

    public var supplier: String = ""
    public var number: String = ""
    public var purchaseOrder: String = ""
    public var invoiceDate: String = ""
    public var currency: String = ""
    public var lines: [InvoiceLinePayload] = []

    public init() {}

    public init(
        supplier: String, number: String, purchaseOrder: String, invoiceDate: String, currency: String,
        lines: [InvoiceLinePayload]
    ) {
        self.supplier = supplier
        self.number = number
        self.purchaseOrder = purchaseOrder
        self.invoiceDate = invoiceDate
        self.currency = currency
        self.lines = lines
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("supplier", &supplier)
        try fields.string("invoice", &number)
        try fields.string("po", &purchaseOrder)
        try fields.string("invoice_date", &invoiceDate)
        try fields.string("currency", &currency)
        try fields.objects("lines", &lines)
    }
}
