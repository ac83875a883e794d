import Domain

/// `InvoiceRejected`.
public struct InvoiceRejectedPayload: EventPayloadProtocol {
    public static let eventType = EventType.invoiceRejected

    public var supplier: String = ""
    public var number: String = ""
    public var by: String = ""
    public var reason: String = ""

    public var aggregateID: String { "invoice:\(supplier)/\(number)" }

    public init() {}

    public init(supplier: String, number: String, by: String, reason: String) {
        self.supplier = supplier
        self.number = number
        self.by = by
        self.reason = reason
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("supplier", &supplier)
        try fields.string("invoice", &number)
        try fields.string("by", &by)
        try fields.string("reason", &reason)
    }
}

extension InvoiceRejectedPayload: DomainEventPayload {
    init(_ event: InvoiceRejected) {
        self.init(
            supplier: event.supplier.rawValue, number: event.number.rawValue, by: event.by.rawValue,
            reason: event.reason)
    }
}
