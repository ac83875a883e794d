import Domain

/// `PurchaseOrderApproved`: the items are stock on order, due on `expected_delivery`.
public struct PurchaseOrderApprovedPayload: EventPayloadProtocol {
    public static let eventType = EventType.purchaseOrderApproved

    public var number: String = ""
    public var supplier: String = ""
    public var total: Int = 0
    public var currency: String = ""
    public var expectedDelivery: String = ""
    public var by: String = ""
    public var items: [OrderItemPayload] = []

    public var aggregateID: String { "po:\(number)" }

    public init() {}

    public init(
        number: String, supplier: String, total: Int, currency: String, expectedDelivery: String, by: String,
        items: [OrderItemPayload]
    ) {
        self.number = number
        self.supplier = supplier
        self.total = total
        self.currency = currency
        self.expectedDelivery = expectedDelivery
        self.by = by
        self.items = items
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.string("supplier", &supplier)
        try fields.integer("total", &total)
        try fields.string("currency", &currency)
        try fields.string("expected_delivery", &expectedDelivery)
        try fields.string("by", &by)
        try fields.objects("items", &items)
    }
}

extension PurchaseOrderApprovedPayload: DomainEventPayload {
    init(_ event: PurchaseOrderApproved) {
        self.init(
            number: event.number.rawValue, supplier: event.supplier.rawValue, total: event.total.minorUnits,
            currency: event.total.currency.code, expectedDelivery: event.expectedDelivery.description,
            by: event.by.rawValue, items: event.items.map(OrderItemPayload.init))
    }
}
