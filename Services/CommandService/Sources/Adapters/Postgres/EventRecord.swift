import Contracts
import Foundation
import PostgresNIO

/// One event row as PostgreSQL sends a row value (`ROW(position, event_id, …)`) in binary: a
/// single cell per event instead of ten.
///
/// Serving a replay page is reading rows as fast as PostgreSQL sends them, and PostgresNIO's cost
/// is per cell (each one a `PostgresCell` with its own buffer and column name), so one cell per row
/// is most of a page's reading gone; PostgreSQL's work to send a record is the same as for the
/// columns. The layout is PostgreSQL's `record_send`: the field count, then per field its type's
/// OID, its length (-1 for NULL) and its bytes in the type's binary form.
enum EventRecord {
    /// What a read of events selects: one record per row, the fields in the order ``read(_:)`` takes them.
    static let selection =
        "ROW(position, event_id, type, schema_version, occurred_at, aggregate_id, aggregate_version, command_id, payload, issued_by)"

    /// The row's record as a ``StoredEnvelope`` pointing into `bytes`, for the duration of `body`.
    /// Throws `PostgresDecodingError.Code.failure` for a record of another shape.
    static func read<T>(_ bytes: UnsafeRawBufferPointer, _ body: (StoredEnvelope) throws -> T) throws -> T {
        var fields = Fields(bytes)
        guard fields.int32() == 10 else { throw PostgresDecodingError.Code.failure }
        let position = try fields.integer(.int8)
        let id = try fields.uuid()
        let typeName = try fields.required(.text)
        let version = try fields.integer(.int4)
        let occurredAt = try fields.timestamp()
        let aggregate = try fields.required(.text)
        let aggregateVersion = try fields.integer(.int8)
        let commandID = try fields.optional(.text)
        let payload = try fields.required(.text)
        let issuedBy = try fields.optional(.text)
        guard fields.isAtEnd else { throw PostgresDecodingError.Code.failure }
        guard let type = EventType(utf8: typeName) else {
            throw EventDecodingError.unknownType(String(decoding: typeName, as: UTF8.self), position: position)
        }
        return try body(
            StoredEnvelope(
                position: position, eventID: id, type: type, schemaVersion: version, occurredAt: occurredAt,
                aggregateID: aggregate, aggregateVersion: aggregateVersion, commandID: commandID,
                issuedBy: issuedBy, payload: payload))
    }

    /// A cursor over a record's fields, checking each one's type as it goes.
    private struct Fields {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        var isAtEnd: Bool { offset == bytes.count }

        /// A big-endian 32-bit integer, or nil past the end.
        mutating func int32() -> Int32? {
            guard bytes.count - offset >= 4 else { return nil }
            defer { offset += 4 }
            return Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))
        }

        /// The next field's bytes (nil for NULL) when it is of type `type`.
        mutating func optional(_ type: PostgresDataType) throws -> UnsafeRawBufferPointer? {
            guard let oid = int32(), UInt32(bitPattern: oid) == type.rawValue, let length = int32() else {
                throw PostgresDecodingError.Code.typeMismatch
            }
            if length == -1 { return nil }
            guard length >= 0, bytes.count - offset >= Int(length) else { throw PostgresDecodingError.Code.failure }
            defer { offset += Int(length) }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)])
        }

        mutating func required(_ type: PostgresDataType) throws -> UnsafeRawBufferPointer {
            guard let field = try optional(type) else { throw PostgresDecodingError.Code.missingData }
            return field
        }

        mutating func integer(_ type: PostgresDataType) throws -> Int {
            let field = try required(type)
            switch field.count {
            case 8: return Int(Int64(bigEndian: field.loadUnaligned(as: Int64.self)))
            case 4: return Int(Int32(bigEndian: field.loadUnaligned(as: Int32.self)))
            default: throw PostgresDecodingError.Code.failure
            }
        }

        mutating func uuid() throws -> UUID {
            let field = try required(.uuid)
            guard field.count == 16 else { throw PostgresDecodingError.Code.failure }
            var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &uuid) { $0.copyMemory(from: field) }
            return UUID(uuid: uuid)
        }

        /// A `timestamptz`: microseconds since 2000-01-01 UTC, made a `Date` the way PostgresNIO
        /// makes one, so both paths give the same instant to the last bit.
        mutating func timestamp() throws -> Date {
            let field = try required(.timestamptz)
            guard field.count == 8 else { throw PostgresDecodingError.Code.failure }
            let microseconds = Int64(bigEndian: field.loadUnaligned(as: Int64.self))
            return Date(timeInterval: Double(microseconds) / 1_000_000, since: Self.postgresEpoch)
        }

        private static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)
    }
}
