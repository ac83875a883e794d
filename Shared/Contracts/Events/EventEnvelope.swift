import Domain
import Foundation

/// One published event: a payload wrapped in what a reader needs to apply it exactly once and in
/// order. The PUB socket and replay carry the same envelope, byte for byte.
public struct EventEnvelope: Hashable, Sendable {
    /// Global position in the event log: gap-free, strictly increasing from 1 in commit order. A
    /// reader's checkpoint is the last position it applied.
    public var position: Int
    /// Unique per event, for readers that deduplicate by id rather than position.
    public var eventID: UUID
    public var schemaVersion: Int
    /// When the event was committed; the wire keeps milliseconds.
    public var occurredAt: Date
    /// The aggregate that raised it (the SKU for product events).
    public var aggregateID: String
    /// The aggregate's version after the change that raised this event. Several events of one
    /// command share it, and an event that changes no state (`OutOfStock`) carries the current one,
    /// so it never decreases along an aggregate's events; their order is the order of `position`.
    public var aggregateVersion: Int
    /// The command that caused it; nil for events with no client command behind them.
    public var commandID: String?
    /// Who issued that command: its `issued_by`, which in secure mode is the authenticated principal;
    /// nil when the command named nobody or there is no client command (a policy's reaction).
    public var issuedBy: String?
    public var payload: EventPayload

    public var type: EventType { payload.type }
    /// The PUB topic this envelope is published under.
    public var topic: String { payload.type.topic }

    public init(
        position: Int, eventID: UUID, schemaVersion: Int? = nil, occurredAt: Date, aggregateID: String,
        aggregateVersion: Int, commandID: String?, issuedBy: String? = nil, payload: EventPayload
    ) {
        self.position = position
        self.eventID = eventID
        self.schemaVersion = schemaVersion ?? payload.type.currentSchemaVersion
        self.occurredAt = occurredAt
        self.aggregateID = aggregateID
        self.aggregateVersion = aggregateVersion
        self.commandID = commandID
        self.issuedBy = issuedBy
        self.payload = payload
    }

    /// Wraps a Domain event; its aggregate id comes from the event.
    public init(
        position: Int, eventID: UUID, occurredAt: Date, aggregateVersion: Int, commandID: String?,
        issuedBy: String? = nil, event: any Event
    ) throws(UnmappedDomainType) {
        self.init(
            position: position, eventID: eventID, occurredAt: occurredAt, aggregateID: event.aggregateID,
            aggregateVersion: aggregateVersion, commandID: commandID, issuedBy: issuedBy,
            payload: try EventPayload(event))
    }
}

extension EventEnvelope: Codable {
    enum CodingKeys: String, CodingKey {
        case position, eventID = "event_id", type, schemaVersion = "schema_version", occurredAt = "occurred_at"
        case aggregateID = "aggregate_id", aggregateVersion = "aggregate_version", commandID = "command_id"
        case issuedBy = "issued_by", payload
    }

    /// Throws ``EventDecodingError``: `unknownType` / `unsupportedSchemaVersion` for events this
    /// reader cannot understand, `malformed` for anything else.
    public init(from decoder: any Decoder) throws {
        do {
            let object = try WireObject(decoder)
            let position = try object.integer("position")
            let typeName = try object.string("type")
            guard let type = EventType(rawValue: typeName) else {
                throw EventDecodingError.unknownType(typeName, position: position)
            }
            let version = try object.optionalInteger("schema_version") ?? SchemaVersion.assumed
            guard type.supportedSchemaVersions.contains(version) else {
                throw EventDecodingError.unsupportedSchemaVersion(type: typeName, version: version, position: position)
            }
            let rawID = try object.string("event_id")
            guard let eventID = UUID(uuidString: rawID) else {
                throw WireError.invalidField("event_id", "must be a UUID", in: object.path)
            }
            self.init(
                position: position, eventID: eventID, schemaVersion: version,
                occurredAt: try object.timestamp("occurred_at"), aggregateID: try object.string("aggregate_id"),
                aggregateVersion: try object.integer("aggregate_version"),
                commandID: try object.optionalString("command_id"), issuedBy: try object.optionalString("issued_by"),
                payload: try EventPayload(type: type, from: object.object("payload")))
        } catch let error as WireError {
            throw EventDecodingError.malformed(error)
        } catch let error as DecodingError {
            throw EventDecodingError.malformed(WireError(error))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(position, forKey: .position)
        try container.encode(eventID.uuidString.lowercased(), forKey: .eventID)
        try container.encode(type, forKey: .type)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(WireTimestamp.format(occurredAt), forKey: .occurredAt)
        try container.encode(aggregateID, forKey: .aggregateID)
        try container.encode(aggregateVersion, forKey: .aggregateVersion)
        try container.encode(commandID, forKey: .commandID)
        try container.encodeIfPresent(issuedBy, forKey: .issuedBy)
        try container.encode(payload, forKey: .payload)
    }
}
