import Foundation

/// An event as a writer's log stores it: the envelope's fields, with the payload already JSON text
/// (``EventPayload/jsonData()``) and the other text fields as UTF-8 bytes.
///
/// Serving the log — replay pages, the relay's publishing — writes the envelope around those bytes
/// instead of building Strings, parsing the payload and encoding it again, which was most of what
/// serving an event cost. The bytes belong to the caller (typically the database driver's buffer)
/// and need to live only while an encoding call runs. A payload that is an object is copied as
/// stored: the log holds what ``EventPayload/jsonData()`` wrote, so it is the same bytes re-encoding
/// would give (a reader that cannot read one stops at its position, as for any unreadable event).
/// Anything else the quick path is not sure about (a string that needs escaping beyond `"` and `\`,
/// a payload that is not an object) is decoded the thorough way, so a stored event goes out as the
/// same bytes whichever path wrote it.
public struct StoredEnvelope {
    public var position: Int
    public var eventID: UUID
    public var type: EventType
    public var schemaVersion: Int
    public var occurredAt: Date
    public var aggregateID: UnsafeRawBufferPointer
    public var aggregateVersion: Int
    public var commandID: UnsafeRawBufferPointer?
    public var issuedBy: UnsafeRawBufferPointer?
    public var payload: UnsafeRawBufferPointer

    public init(
        position: Int, eventID: UUID, type: EventType, schemaVersion: Int, occurredAt: Date,
        aggregateID: UnsafeRawBufferPointer, aggregateVersion: Int, commandID: UnsafeRawBufferPointer?,
        issuedBy: UnsafeRawBufferPointer? = nil, payload: UnsafeRawBufferPointer
    ) {
        self.issuedBy = issuedBy
        self.position = position
        self.eventID = eventID
        self.type = type
        self.schemaVersion = schemaVersion
        self.occurredAt = occurredAt
        self.aggregateID = aggregateID
        self.aggregateVersion = aggregateVersion
        self.commandID = commandID
        self.payload = payload
    }

    /// Whether the stored payload goes out as stored: an object, as ``EventPayload/jsonData()``
    /// writes one. Every encoding that copies it asks this, so all of them carry the same payload
    /// bytes; any other payload goes out re-encoded from ``decoded()``.
    public var payloadGoesOutAsStored: Bool {
        payload.first == UInt8(ascii: "{") && payload.last == UInt8(ascii: "}")
    }

    /// The envelope with its payload parsed; throws ``EventDecodingError/malformed(_:)`` for a
    /// payload its type cannot read.
    public func decoded() throws(EventDecodingError) -> EventEnvelope {
        let payload: EventPayload
        do {
            payload = try EventPayload(type: type, json: self.payload)
        } catch {
            throw .malformed(error)
        }
        return EventEnvelope(
            position: position, eventID: eventID, schemaVersion: schemaVersion, occurredAt: occurredAt,
            aggregateID: String(decoding: aggregateID, as: UTF8.self), aggregateVersion: aggregateVersion,
            commandID: commandID.map { String(decoding: $0, as: UTF8.self) },
            issuedBy: issuedBy.map { String(decoding: $0, as: UTF8.self) }, payload: payload)
    }
}

extension EventCodec {
    /// The PUB frame of a stored event: the same bytes as encoding its ``StoredEnvelope/decoded()``.
    public static func encode(_ stored: StoredEnvelope) throws(EventDecodingError) -> Data {
        var writer = WireFastWriter()
        writer.reserve(320 + stored.payload.count)
        if writer.write(stored) { return writer.data }
        return encode(try stored.decoded())
    }
}
