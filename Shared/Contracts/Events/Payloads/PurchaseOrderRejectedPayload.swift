import Domain

/// `PurchaseOrderRejected`.
public struct PurchaseOrderRejectedPayload: EventPayloadProtocol {
    public static let eventType = EventType.purchaseOrderRejected

    public var number: String = ""
    public var by: String = ""
    public var reason: String = ""

    public var aggregateID: String { "po:\(number)" }

    public init() {}

    public init(number: String, by: String, reason: String) {
        self.number = number
        self.by = by
        self.reason = reason
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.string("by", &by)
        try fields.string("reason", &reason)
    }
}

extension PurchaseOrderRejectedPayload: DomainEventPayload {
    init(_ event: PurchaseOrderRejected) {
        self.init(number: event.number.rawValue, by: event.by.rawValue, reason: event.reason)
    }
}
