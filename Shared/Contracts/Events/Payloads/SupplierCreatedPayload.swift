import Domain

/// `SupplierCreated`.
public struct SupplierCreatedPayload: EventPayloadProtocol {
    public static let eventType = EventType.supplierCreated

    public var supplier: String = ""
    public var name: String = ""
    public var currency: String = ""
    public var termsDays: Int = 0

    public var aggregateID: String { "supplier:\(supplier)" }

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

extension SupplierCreatedPayload: DomainEventPayload {
    init(_ event: SupplierCreated) {
        self.init(
            supplier: event.supplier.rawValue, name: event.name, currency: event.currency.code,
            termsDays: event.paymentTermsDays)
    }
}
