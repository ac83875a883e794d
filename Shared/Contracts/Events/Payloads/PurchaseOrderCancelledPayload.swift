import Domain

/// `PurchaseOrderCancelled`: `items` were on order (empty unless the order was approved).
public struct PurchaseOrderCancelledPayload: EventPayloadProtocol {
    public static let eventType = EventType.purchaseOrderCancelled

    public var number: String = ""
    public var by: String = ""
    public var reason: String = ""
    public var items: [OrderItemPayload] = []

    public var aggregateID: String { "po:\(number)" }

    public init() {}

    public init(number: String, by: String, reason: String, items: [OrderItemPayload]) {
        self.number = number
        self.by = by
        self.reason = reason
        self.items = items
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.string("by", &by)
        try fields.string("reason", &reason)
        try fields.objects("items", &items)
    }
}

extension PurchaseOrderCancelledPayload: DomainEventPayload {
    init(_ event: PurchaseOrderCancelled) {
        self.init(
            number: event.number.rawValue, by: event.by.rawValue, reason: event.reason,
            items: event.items.map(OrderItemPayload.init))
    }
}
