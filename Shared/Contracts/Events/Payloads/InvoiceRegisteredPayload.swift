import Domain

/// `InvoiceRegistered`: matched at once when `discrepancies` is empty (the first-pass match).
public struct InvoiceRegisteredPayload: EventPayloadProtocol {
    public static let eventType = EventType.invoiceRegistered

    public var supplier: String = ""
    public var number: String = ""
    public var purchaseOrder: String = ""
    public var invoiceDate: String = ""
    public var total: Int = 0
    public var currency: String = ""
    public var lines: [InvoiceLinePayload] = []
    public var discrepancies: [DiscrepancyPayload] = []

    public var aggregateID: String { "invoice:\(supplier)/\(number)" }

    public init() {}

    public init(
        supplier: String, number: String, purchaseOrder: String, invoiceDate: String, total: Int, currency: String,
        lines: [InvoiceLinePayload], discrepancies: [DiscrepancyPayload]
    ) {
        self.supplier = supplier
        self.number = number
        self.purchaseOrder = purchaseOrder
        self.invoiceDate = invoiceDate
        self.total = total
        self.currency = currency
        self.lines = lines
        self.discrepancies = discrepancies
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("supplier", &supplier)
        try fields.string("invoice", &number)
        try fields.string("po", &purchaseOrder)
        try fields.string("invoice_date", &invoiceDate)
        try fields.integer("total", &total)
        try fields.string("currency", &currency)
        try fields.objects("lines", &lines)
        try fields.objects("discrepancies", &discrepancies)
    }
}

extension InvoiceRegisteredPayload: DomainEventPayload {
    init(_ event: InvoiceRegistered) {
        self.init(
            supplier: event.supplier.rawValue, number: event.number.rawValue,
            purchaseOrder: event.purchaseOrder.rawValue, invoiceDate: event.invoiceDate.description,
            total: event.total.minorUnits, currency: event.total.currency.code,
            lines: event.lines.map(InvoiceLinePayload.init),
            discrepancies: event.discrepancies.map(DiscrepancyPayload.init))
    }
}
