import Domain

/// `PurchaseOrderItemAdded`: `total` is the order's total after the change.
public struct PurchaseOrderItemAddedPayload: EventPayloadProtocol {
    public static let eventType = EventType.purchaseOrderItemAdded

    public var number: String = ""
    public var line: Int = 0
    public var sku: String = ""
    public var quantity: Int = 0
    public var unitPrice: Int = 0
    public var total: Int = 0
    public var currency: String = ""

    public var aggregateID: String { "po:\(number)" }

    public init() {}

    public init(number: String, line: Int, sku: String, quantity: Int, unitPrice: Int, total: Int, currency: String) {
        self.number = number
        self.line = line
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.total = total
        self.currency = currency
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.integer("line", &line)
        try fields.string("sku", &sku)
        try fields.quantity("qty", &quantity)
        try fields.integer("unit_price", &unitPrice)
        try fields.integer("total", &total)
        try fields.string("currency", &currency)
    }
}

extension PurchaseOrderItemAddedPayload: DomainEventPayload {
    init(_ event: PurchaseOrderItemAdded) {
        self.init(
            number: event.number.rawValue, line: event.line, sku: event.sku.rawValue, quantity: event.quantity,
            unitPrice: event.unitPrice.minorUnits, total: event.total.minorUnits, currency: event.total.currency.code)
    }
}
