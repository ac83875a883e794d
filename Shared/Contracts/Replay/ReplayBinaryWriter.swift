import Foundation

/// Writes a replay response in the binary encoding (docs/PROTOCOL.md §8, "Binary pages") from
/// stored events: the envelope's fields as big-endian numbers and length-prefixed UTF-8, each
/// payload as the same JSON object the JSON encoding carries.
///
/// The layout: the magic `CRB1`, the head (int64), the event count (uint32), then per event its
/// position (int64), event id (16 bytes), `occurred_at` in milliseconds since 1970 (int64, the
/// instant the JSON form's text names), aggregate version (int64), schema version (int32), then
/// type, aggregate id, command id, issued by and payload, each an int32 length (-1 for null)
/// followed by its bytes.
public struct ReplayBinaryWriter: ReplayFrameWriter {
    /// The first four bytes of every binary page; no JSON text starts with them.
    public static let magic: [UInt8] = Array("CRB1".utf8)

    private var bytes: [UInt8] = []
    public private(set) var count = 0

    public init(expectedEvents: Int) {
        bytes.reserveCapacity(16 + 260 * expectedEvents)
        bytes += Self.magic
        integer(Int64(0))  // the head, set by finish
        integer(UInt32(0))  // the count, set by finish
    }

    public mutating func append(_ stored: StoredEnvelope) throws(EventDecodingError) {
        let reencoded: Data? = stored.payloadGoesOutAsStored ? nil : try stored.decoded().payload.jsonData()
        integer(Int64(stored.position))
        withUnsafeBytes(of: stored.eventID.uuid) { bytes.append(contentsOf: $0) }
        integer(WireTimestamp.milliseconds(stored.occurredAt))
        integer(Int64(stored.aggregateVersion))
        integer(Int32(truncatingIfNeeded: stored.schemaVersion))
        var type = stored.type.rawValue
        type.withUTF8 { text(UnsafeRawBufferPointer($0)) }
        text(stored.aggregateID)
        text(stored.commandID)
        text(stored.issuedBy)
        if let reencoded {
            reencoded.withUnsafeBytes { text($0) }
        } else {
            text(stored.payload)
        }
        count += 1
    }

    public consuming func finish(head: Int) -> [UInt8] {
        Self.store(Int64(head), at: 4, in: &bytes)
        Self.store(UInt32(count), at: 12, in: &bytes)
        return bytes
    }

    private mutating func integer<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func text(_ value: UnsafeRawBufferPointer?) {
        guard let value else { return integer(Int32(-1)) }
        integer(Int32(value.count))
        bytes.append(contentsOf: value)
    }

    private static func store<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { field in
            bytes.replaceSubrange(offset..<offset + field.count, with: field)
        }
    }
}
