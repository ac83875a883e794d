import Contracts
import Foundation
import PostgresNIO
import Testing

@testable import CommandService

/// An event row read as PostgreSQL's binary record: every field where the columns put it, and any
/// record of another shape refused with an error, never a trap or a read past its end.
@Suite struct EventRecordTests {
    /// A record the way `record_send` writes one: the field count, then each field's type OID,
    /// length (-1 for NULL) and bytes.
    struct Record {
        var fields: [(oid: UInt32, bytes: [UInt8]?)]

        var bytes: [UInt8] {
            var out = Self.int32(Int32(fields.count))
            for field in fields {
                out += Self.int32(Int32(bitPattern: field.oid))
                if let bytes = field.bytes {
                    out += Self.int32(Int32(bytes.count)) + bytes
                } else {
                    out += Self.int32(-1)
                }
            }
            return out
        }

        static func int32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
        static func int64(_ value: Int64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
        static func text(_ value: String) -> [UInt8] { Array(value.utf8) }
    }

    let id = UUID(uuidString: "6F1C2B0E-2F64-4C8A-9C61-3E1C8F0B7A55")!
    /// 2026-12-07T03:04:05.123456Z (PostgreSQL keeps microseconds), as microseconds since 2000-01-01.
    let microseconds: Int64 = (1_796_612_645 - 946_684_800) * 1_000_000 + 123_456

    var valid: Record {
        let uuid = withUnsafeBytes(of: id.uuid) { Array($0) }
        return Record(fields: [
            (20, Record.int64(42)),
            (2950, uuid),
            (25, Record.text("Allocated")),
            (23, Record.int32(1)),
            (1184, Record.int64(microseconds)),
            (25, Record.text("SOFA-\"1\"")),
            (20, Record.int64(7)),
            (25, Record.text("cmd-1")),
            (25, Array(EventPayload.allocated(line).jsonData())),
            (25, nil),
        ])
    }

    let line = AllocatedPayload(orderID: "o1", sku: "SOFA-\"1\"", quantity: 2, batchReference: "b1")

    /// The record read into the envelope it stores.
    func read(_ bytes: [UInt8]) throws -> EventEnvelope {
        try bytes.withUnsafeBytes { raw in try EventRecord.read(raw) { try $0.decoded() } }
    }

    @Test func everyFieldIsReadWhereTheColumnsPutIt() throws {
        let event = try read(valid.bytes)
        #expect(
            event
                == EventEnvelope(
                    position: 42, eventID: id, schemaVersion: 1,
                    occurredAt: Date(
                        timeInterval: Double(microseconds) / 1_000_000, since: Date(timeIntervalSince1970: 946_684_800)),
                    aggregateID: "SOFA-\"1\"", aggregateVersion: 7, commandID: "cmd-1", issuedBy: nil,
                    payload: .allocated(line)))
        #expect(WireTimestamp.format(event.occurredAt) == "2026-12-07T03:04:05.123Z")
    }

    @Test func everyTruncationIsRefused() {
        let bytes = valid.bytes
        for length in 0..<bytes.count {
            #expect(throws: (any Error).self, "cut at \(length)") { try read(Array(bytes[..<length])) }
        }
        #expect(throws: (any Error).self) { try read(bytes + [0]) }
    }

    @Test func anotherShapeIsRefused() {
        var fewer = valid
        fewer.fields.removeLast()
        #expect(throws: (any Error).self) { try read(fewer.bytes) }

        var textForAnInteger = valid
        textForAnInteger.fields[0] = (25, Record.text("42"))
        #expect(throws: (any Error).self) { try read(textForAnInteger.bytes) }

        var nullPayload = valid
        nullPayload.fields[8] = (25, nil)
        #expect(throws: (any Error).self) { try read(nullPayload.bytes) }

        var shortUUID = valid
        shortUUID.fields[1] = (2950, [1, 2, 3])
        #expect(throws: (any Error).self) { try read(shortUUID.bytes) }

        var hugeLength = valid.bytes
        hugeLength.replaceSubrange(8..<12, with: Record.int32(Int32.max))
        #expect(throws: (any Error).self) { try read(hugeLength) }
    }

    @Test func anUnknownTypeNamesItsPosition() {
        var future = valid
        future.fields[2] = (25, Record.text("SomethingNew"))
        #expect(throws: EventDecodingError.unknownType("SomethingNew", position: 42)) { try read(future.bytes) }
    }
}
