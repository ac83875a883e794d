import Domain

extension EventPayload {
    /// The wire form of a Domain event. Throws for an event type Contracts does not know yet, so a
    /// new Domain event cannot be published by accident in a shape nobody documented.
    public init(_ event: any Event) throws(UnmappedDomainType) {
        guard let payload = EventPayload.wrapping(event) else { throw UnmappedDomainType(event) }
        self = payload
    }
}

/// An event payload that is the wire form of one Domain event type, declared in the payload's own
/// file: what `EventPayload.wrapping(_:)` (generated from Events.registry) maps each event with.
protocol DomainEventPayload: EventPayloadProtocol {
    associatedtype DomainEvent: Event
    init(_ event: DomainEvent)
}
