import Contracts
import Foundation
import Testing

/// The binary replay encoding (docs/PROTOCOL.md §8): the same events as the JSON page, the same
/// errors for events a reader cannot read, and any other frame refused without a trap.
@Suite struct ReplayBinaryTests {
    /// The events written as a page in `encoding`, as the command service writes them from its log.
    static func page(_ events: [EventEnvelope], head: Int, _ encoding: ReplayEncoding) throws -> [UInt8] {
        switch encoding {
        case .json: return try write(ReplayPageWriter.self, events, head: head)
        case .binary: return try write(ReplayBinaryWriter.self, events, head: head)
        }
    }

    static func write<Writer: ReplayFrameWriter>(_: Writer.Type, _ events: [EventEnvelope], head: Int) throws -> [UInt8]
    {
        var writer = Writer(expectedEvents: events.count)
        for event in events { try FastPathTests.withStored(event) { try writer.append($0) } }
        return writer.finish(head: head)
    }

    static var events: [EventEnvelope] {
        var all = FastPathTests.envelopes
        all[0].issuedBy = "clerk-7"
        return all.enumerated().map { offset, event in
            var event = event
            event.position = 41 + offset
            return event
        }
    }

    /// The golden page: `replay/response.json`'s events as a binary page, both ways.
    @Test func responseFixture() throws {
        let golden = Array(try Fixture.data("replay/response.bin"))
        #expect(try ReplayCodec.decodeReply(golden).get() == .events(replayResponseSample))
        #expect(try Self.page(replayResponseSample.events, head: replayResponseSample.head, .binary) == golden)
    }

    @Test func aBinaryPageReadsAsTheSameEventsAsTheJSONPage() throws {
        for events in [Self.events, eventSamples.map(\.envelope), []] {
            let json = ReplayCodec.decodeReply(try Self.page(events, head: 9_000, .json))
            let binary = try Self.page(events, head: 9_000, .binary)
            #expect(binary.starts(with: Array("CRB1".utf8)))
            #expect(try ReplayCodec.decodeReply(binary).get() == json.get())
        }
        // The header alone, byte for byte as docs/PROTOCOL.md shows it.
        let empty = ReplayEncoding.binary.emptyPage(head: 12)
        #expect(empty == [0x43, 0x52, 0x42, 0x31, 0, 0, 0, 0, 0, 0, 0, 0x0c, 0, 0, 0, 0])
        #expect(try ReplayCodec.decodeReply(empty).get() == .events(ReplayResponse(events: [], head: 12)))
    }

    /// The first event's fixed fields where docs/PROTOCOL.md puts them: after the 16-byte header,
    /// the position, the id's bytes in the order its text spells them, and the time in milliseconds.
    @Test func theFixedFieldsAreWhereTheProtocolSays() throws {
        let event = Self.events[0]
        let frame = try Self.page([event], head: 99, .binary)
        func number(_ range: Range<Int>) -> Int64 { frame[range].reduce(0) { $0 << 8 | Int64($1) } }
        #expect(number(16..<24) == Int64(event.position))
        let hex = Array(event.eventID.uuidString.lowercased().utf8.filter { $0 != UInt8(ascii: "-") })
        let spelled = stride(from: 0, to: 32, by: 2).map {
            UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
        #expect(Array(frame[24..<40]) == spelled)
        #expect(number(40..<48) == Int64((event.occurredAt.timeIntervalSince1970 * 1000).rounded()))
        #expect(number(48..<56) == Int64(event.aggregateVersion))
    }

    /// A stored payload that is not written as the writers write it goes out re-encoded, in both
    /// encodings alike.
    @Test func aPayloadStoredOtherwiseIsCarriedReencoded() throws {
        let event = Self.events[0]
        let spaced = Array(" ".utf8) + Array(event.payload.jsonData())
        func page<Writer: ReplayFrameWriter>(_: Writer.Type) throws -> ReplayReply {
            var writer = Writer(expectedEvents: 1)
            try FastPathTests.withStored(event, payload: spaced) { try writer.append($0) }
            return try ReplayCodec.decodeReply(writer.finish(head: 50)).get()
        }
        #expect(try page(ReplayBinaryWriter.self) == page(ReplayPageWriter.self))
        #expect(try page(ReplayBinaryWriter.self) == .events(ReplayResponse(events: [event], head: 50)))
    }

    @Test func anEventThisReaderCannotReadFailsThePageWithItsPosition() throws {
        let events = Array(Self.events.prefix(3))
        let frame = try Self.page(events, head: 60, .binary)
        // The second event's type field: its length, then its name.
        let name = Array(events[1].type.rawValue.utf8)
        let field = try #require(Self.range(of: [0, 0, 0, UInt8(name.count)] + name, in: frame))
        let at = field.lowerBound + 4..<field.upperBound
        var unknown = frame
        unknown.replaceSubrange(at, with: Array(String(repeating: "Z", count: name.count).utf8))
        #expect(
            ReplayCodec.decodeReply(unknown).failure
                == .unknownType(String(repeating: "Z", count: name.count), position: events[1].position))

        var newer = frame
        // The schema version is the int32 right before the type's length.
        let version = at.lowerBound - 8
        newer.replaceSubrange(version..<version + 4, with: [0, 0, 0, 9])
        #expect(
            ReplayCodec.decodeReply(newer).failure
                == .unsupportedSchemaVersion(type: events[1].type.rawValue, version: 9, position: events[1].position))
    }

    @Test func everyCutAndAnyExtraByteIsRefused() throws {
        let frame = try Self.page(Array(Self.events.prefix(4)), head: 70, .binary)
        for length in ReplayBinaryWriter.magic.count..<frame.count {
            let result = ReplayCodec.decodeReply(frame[..<length])
            #expect(result.failure?.wireError.code == .invalidField, "cut at \(length)")
        }
        #expect(ReplayCodec.decodeReply(frame + [0]).failure?.wireError.code == .invalidField)
    }

    @Test func aCountBeyondTheFrameIsRefusedBeforeAnythingIsReserved() throws {
        var frame = try Self.page([], head: 1, .binary)
        frame.replaceSubrange(12..<16, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(ReplayCodec.decodeReply(frame).failure?.wireError.code == .invalidField)
    }

    /// Thousands of frames with bytes replaced, removed or inserted: each one is read or refused,
    /// never a trap or a read past its end.
    @Test func brokenFramesAreReadOrRefusedNeverTrapped() throws {
        let seeds = [
            try Self.page(Array(Self.events.prefix(3)), head: 80, .binary),
            try Self.page([eventSamples[0].envelope], head: 1, .binary),
        ]
        var random = FuzzTests.Generator(state: 0xC0FFEE)
        for _ in 0..<4000 {
            var bytes = seeds.randomElement(using: &random)!
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: ReplayBinaryWriter.magic.count..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
                }
            }
            if case .success(.events(let response)) = ReplayCodec.decodeReply(bytes) {
                #expect(response.events.count <= 3)
            }
        }
    }

    @Test func theRequestNamesItsEncoding() throws {
        #expect(
            try ReplayCodec.decodeRequest(Data(#"{"from": 3, "encoding": "binary"}"#.utf8)).get()
                == ReplayRequest(from: 3, encoding: .binary))
        #expect(
            try ReplayCodec.decodeRequest(Data(#"{"from": 3, "encoding": "json"}"#.utf8)).get()
                == ReplayRequest(from: 3))
        let wrong = try #require(ReplayCodec.decodeRequest(Data(#"{"from": 3, "encoding": "xml"}"#.utf8)).failure)
        #expect(wrong.code == .invalidField && wrong.field == "encoding")
        // JSON requests are written as before; a binary one says so.
        #expect(
            String(decoding: ReplayCodec.encode(ReplayRequest(from: 3)), as: UTF8.self) == #"{"from":3,"limit":1000}"#)
        #expect(
            try ReplayCodec.decodeRequest(ReplayCodec.encode(ReplayRequest(from: 3, limit: 5, encoding: .binary))).get()
                == ReplayRequest(from: 3, limit: 5, encoding: .binary))
    }

    static func range(of needle: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
        guard bytes.count >= needle.count else { return nil }
        for index in 0...(bytes.count - needle.count) where bytes[index..<index + needle.count].elementsEqual(needle) {
            return index..<index + needle.count
        }
        return nil
    }
}
