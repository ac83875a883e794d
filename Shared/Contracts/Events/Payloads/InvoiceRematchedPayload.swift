import Domain

/// `InvoiceRematched`: a new match outcome (matched when `discrepancies` is empty).
public struct InvoiceRematchedPayload: EventPayloadProtocol {
    public static let eventType = EventType.invoiceRematched

    public var supplier: String = ""
    public var number: String = ""
    public var discrepancies: [DiscrepancyPayload] = []

    public var aggregateID: String { "invoice:\(supplier)/\(number)" }

    public init() {}

    public init(supplier: String, number: String, discrepancies: [DiscrepancyPayload]) {
        self.supplier = supplier
        self.number = number
        self.discrepancies = discrepancies
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("supplier", &supplier)
        try fields.string("invoice", &number)
        try fields.objects("discrepancies", &discrepancies)
    }
}

extension InvoiceRematchedPayload: DomainEventPayload {
    init(_ event: InvoiceRematched) {
        self.init(
            supplier: event.supplier.rawValue, number: event.number.rawValue,
            discrepancies: event.discrepancies.map(DiscrepancyPayload.init))
    }
}
