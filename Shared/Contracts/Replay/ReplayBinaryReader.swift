import Foundation

/// Reads a binary replay page (``ReplayBinaryWriter``'s layout) into the ``ReplayResponse`` the same
/// page in JSON gives, with the same errors for events this reader cannot read: `unknownType` and
/// `unsupportedSchemaVersion` with the event's position, `malformed` for a payload it cannot read.
/// A frame of another shape (cut short, bytes left over, text that is not UTF-8) is `malformed` as
/// a whole. It never traps and never reads past the frame.
enum ReplayBinaryReader {
    static func isBinary(_ frame: some Collection<UInt8>) -> Bool {
        frame.starts(with: ReplayBinaryWriter.magic)
    }

    static func response(_ frame: UnsafeRawBufferPointer) -> Result<ReplayResponse, EventDecodingError> {
        var cursor = Cursor(bytes: frame, offset: ReplayBinaryWriter.magic.count)
        do throws(EventDecodingError) {
            let head = Int(try cursor.integer(Int64.self))
            let count = Int(try cursor.integer(UInt32.self))
            // Each event takes at least its fixed fields and five lengths: a count beyond what the
            // frame can hold is refused before anything is reserved for it.
            guard count <= (frame.count - cursor.offset) / Self.smallestEvent else {
                throw Cursor.malformed("it counts \(count) events but holds fewer")
            }
            var events: [EventEnvelope] = []
            events.reserveCapacity(count)
            for _ in 0..<count { events.append(try cursor.event()) }
            guard cursor.offset == frame.count else { throw Cursor.malformed("bytes follow its last event") }
            return .success(ReplayResponse(events: events, head: head))
        } catch {
            return .failure(error)
        }
    }

    /// Position, id, time, aggregate version, schema version, and five lengths.
    private static let smallestEvent = 8 + 16 + 8 + 8 + 4 + 5 * 4

    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var offset: Int

        static func malformed(_ reason: String) -> EventDecodingError {
            .malformed(.invalidField("events", "binary replay page: \(reason)"))
        }

        mutating func integer<T: FixedWidthInteger>(_: T.Type) throws(EventDecodingError) -> T {
            let size = MemoryLayout<T>.size
            guard bytes.count - offset >= size else { throw Self.malformed("cut short") }
            defer { offset += size }
            return T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }

        /// A length-prefixed field; nil for the length -1 (null).
        mutating func field() throws(EventDecodingError) -> UnsafeRawBufferPointer? {
            let length = Int(try integer(Int32.self))
            if length == -1 { return nil }
            guard length >= 0, bytes.count - offset >= length else { throw Self.malformed("cut short") }
            defer { offset += length }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
        }

        mutating func required(_ name: String) throws(EventDecodingError) -> UnsafeRawBufferPointer {
            guard let field = try field() else { throw Self.malformed("\(name) is null") }
            return field
        }

        mutating func text(_ name: String) throws(EventDecodingError) -> String? {
            guard let field = try field() else { return nil }
            guard let text = String(validating: field, as: UTF8.self) else {
                throw Self.malformed("\(name) is not UTF-8")
            }
            return text
        }

        mutating func event() throws(EventDecodingError) -> EventEnvelope {
            let position = Int(try integer(Int64.self))
            guard bytes.count - offset >= 16 else { throw Self.malformed("cut short") }
            var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &uuid) {
                $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 16]))
            }
            offset += 16
            let milliseconds = try integer(Int64.self)
            let aggregateVersion = Int(try integer(Int64.self))
            let version = Int(try integer(Int32.self))
            let typeName = try required("type")
            guard let type = EventType(utf8: typeName) else {
                throw .unknownType(String(decoding: typeName, as: UTF8.self), position: position)
            }
            guard type.supportedSchemaVersions.contains(version) else {
                throw .unsupportedSchemaVersion(type: type.rawValue, version: version, position: position)
            }
            guard let aggregateID = try text("aggregate_id") else { throw Self.malformed("aggregate_id is null") }
            let commandID = try text("command_id")
            let issuedBy = try text("issued_by")
            let payload: EventPayload
            do {
                payload = try EventPayload(type: type, json: try required("payload"))
            } catch let error as EventDecodingError {
                throw error
            } catch let error as WireError {
                throw .malformed(error)
            } catch {
                throw Self.malformed("\(error)")
            }
            return EventEnvelope(
                position: position, eventID: UUID(uuid: uuid), schemaVersion: version,
                occurredAt: Date(timeIntervalSince1970: Double(milliseconds) / 1000), aggregateID: aggregateID,
                aggregateVersion: aggregateVersion, commandID: commandID, issuedBy: issuedBy, payload: payload)
        }
    }
}
