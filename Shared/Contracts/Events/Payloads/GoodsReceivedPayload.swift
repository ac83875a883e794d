import Domain

/// `GoodsReceived`: one receipt; `status` is the order's after it (`partially_received` or `received`).
public struct GoodsReceivedPayload: EventPayloadProtocol {
    public static let eventType = EventType.goodsReceived

    public var number: String = ""
    public var receivedOn: String = ""
    public var expectedDelivery: String = ""
    public var status: String = ""
    public var lines: [ReceivedLinePayload] = []

    public var aggregateID: String { "po:\(number)" }

    public init() {}

    public init(
        number: String, receivedOn: String, expectedDelivery: String, status: String, lines: [ReceivedLinePayload]
    ) {
        self.number = number
        self.receivedOn = receivedOn
        self.expectedDelivery = expectedDelivery
        self.status = status
        self.lines = lines
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.string("received_on", &receivedOn)
        try fields.string("expected_delivery", &expectedDelivery)
        try fields.string("status", &status)
        try fields.objects("lines", &lines)
    }
}

extension GoodsReceivedPayload: DomainEventPayload {
    init(_ event: GoodsReceived) {
        self.init(
            number: event.number.rawValue, receivedOn: event.receivedOn.description,
            expectedDelivery: event.expectedDelivery.description, status: event.status.rawValue,
            lines: event.lines.map {
                ReceivedLinePayload(
                    line: $0.line, sku: $0.sku.rawValue, quantity: $0.quantity, received: $0.received,
                    ordered: $0.ordered, closedShort: $0.closedShort, complete: $0.complete)
            })
    }
}
