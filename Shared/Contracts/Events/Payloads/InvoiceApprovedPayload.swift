import Domain

/// `InvoiceApproved`: `override_reason` is set when a mismatched invoice was approved anyway.
public struct InvoiceApprovedPayload: EventPayloadProtocol {
    public static let eventType = EventType.invoiceApproved

    public var supplier: String = ""
    public var number: String = ""
    public var purchaseOrder: String = ""
    public var total: Int = 0
    public var currency: String = ""
    public var by: String = ""
    public var overrideReason: String?
    public var paymentDue: String = ""

    public var aggregateID: String { "invoice:\(supplier)/\(number)" }

    public init() {}

    public init(
        supplier: String, number: String, purchaseOrder: String, total: Int, currency: String, by: String,
        overrideReason: String? = nil, paymentDue: String
    ) {
        self.supplier = supplier
        self.number = number
        self.purchaseOrder = purchaseOrder
        self.total = total
        self.currency = currency
        self.by = by
        self.overrideReason = overrideReason
        self.paymentDue = paymentDue
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("supplier", &supplier)
        try fields.string("invoice", &number)
        try fields.string("po", &purchaseOrder)
        try fields.integer("total", &total)
        try fields.string("currency", &currency)
        try fields.string("by", &by)
        try fields.optionalString("override_reason", &overrideReason)
        try fields.string("payment_due", &paymentDue)
    }
}

extension InvoiceApprovedPayload: DomainEventPayload {
    init(_ event: InvoiceApproved) {
        self.init(
            supplier: event.supplier.rawValue, number: event.number.rawValue,
            purchaseOrder: event.purchaseOrder.rawValue, total: event.total.minorUnits,
            currency: event.total.currency.code, by: event.by.rawValue, overrideReason: event.overrideReason,
            paymentDue: event.paymentDue.description)
    }
}
