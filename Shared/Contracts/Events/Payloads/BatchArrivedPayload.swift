import Domain

/// `BatchArrived`: the batch's stock arrived; it is warehouse stock now (no eta).
public struct BatchArrivedPayload: EventPayloadProtocol {
    public static let eventType = EventType.batchArrived

    public var reference: String = ""
    public var sku: String = ""

    public var aggregateID: String { sku }

    public init() {}

    public init(reference: String, sku: String) {
        self.reference = reference
        self.sku = sku
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("ref", &reference)
        try fields.string("sku", &sku)
    }
}

extension BatchArrivedPayload: DomainEventPayload {
    init(_ event: BatchArrived) {
        self.init(reference: event.reference.rawValue, sku: event.sku.rawValue)
    }
}
