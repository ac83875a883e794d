import Contracts
import Foundation
import Testing

/// The codecs read and write envelopes, replay responses, command replies, stored payloads and
/// fingerprints through a quick path of their own, for speed; these tests hold it to Foundation's JSONEncoder and JSONDecoder on the same `Codable`
/// conformances: the same bytes out, the same values in, and the same verdict on broken frames.
@Suite struct FastPathTests {
    static func reference(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(value)
    }

    static func referenceEnvelope(_ bytes: [UInt8]) -> EventEnvelope? {
        try? JSONDecoder().decode(EventEnvelope.self, from: Data(bytes))
    }

    static func referenceReply(_ bytes: [UInt8]) -> ReplayReply? {
        try? JSONDecoder().decode(ReplayReply.self, from: Data(bytes))
    }

    /// `count` copies of the seeds, each with one to three bytes replaced, removed or inserted at
    /// random (reproducibly, from `seed`): the odd and broken frames differential tests feed both ways.
    static func mutated(_ seeds: [[UInt8]], count: Int = 4000, seed: UInt64) -> [[UInt8]] {
        var random = FuzzTests.Generator(state: seed)
        let alphabet = FuzzTests.jsonBytes + Array(#"ABCDEF:Z"#.utf8)
        return (0..<count).map { _ in
            var bytes = seeds.randomElement(using: &random)!
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = alphabet.randomElement(using: &random)!
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet.randomElement(using: &random)!, at: index)
                }
                if bytes.isEmpty { break }
            }
            return bytes
        }
    }

    /// Strings that need escaping, or that only the thorough path writes.
    static let awkwardTexts = [
        "", "plain", #"say "hi""#, #"back\slash"#, "a/b", "caf\u{e9}", "tab\there", "bell\u{7}", "\u{7f}",
        "line\u{2028}separator", "🛋️ sofa",
    ]

    static var envelopes: [EventEnvelope] {
        var all = eventSamples.map(\.envelope)
        for (index, text) in awkwardTexts.enumerated() {
            let payload = EventPayload.deallocated(
                DeallocatedPayload(
                    orderID: text, sku: "SKU-\(index)", quantity: -index, batchReference: "b", reason: text))
            all.append(
                EventEnvelope(
                    position: 100 + index, eventID: UUID(),
                    occurredAt: Date(timeIntervalSince1970: Double(index) * 1e9),
                    aggregateID: text, aggregateVersion: Int.max - index,
                    commandID: index.isMultiple(of: 2) ? nil : text,
                    payload: payload))
        }
        return all
    }

    /// Instants whose year is not four digits: only the thorough path spells them (and no reader
    /// reads them back).
    static var outOfRangeYears: [EventEnvelope] {
        [-62_135_596_800.0, -70_000_000_000, 253_402_300_800].map { seconds in
            var envelope = eventSamples[0].envelope
            envelope.occurredAt = Date(timeIntervalSince1970: seconds)
            return envelope
        }
    }

    @Test func envelopesEncodeToJSONEncodersBytes() {
        for envelope in Self.envelopes + Self.outOfRangeYears {
            #expect(EventCodec.encode(envelope) == Self.reference(envelope), "\(envelope)")
        }
        let response = ReplayResponse(events: Self.envelopes + Self.outOfRangeYears, head: 12_345)
        #expect(ReplayCodec.encode(.events(response)) == Self.reference(ReplayReply.events(response)))
        let plain = ReplayResponse(events: eventSamples.map(\.envelope), head: 7)
        #expect(ReplayCodec.encode(.events(plain)) == Self.reference(ReplayReply.events(plain)))
        let empty = ReplayResponse(events: [], head: 0)
        #expect(ReplayCodec.encode(.events(empty)) == Self.reference(ReplayReply.events(empty)))
    }

    /// Calls `body` with `envelope` as a log stores it: text fields as UTF-8, the payload as
    /// ``EventPayload/jsonData()`` (or `payload` instead).
    static func withStored<T>(
        _ envelope: EventEnvelope, payload: [UInt8]? = nil, _ body: (StoredEnvelope) throws -> T
    ) rethrows -> T {
        let aggregate = Array(envelope.aggregateID.utf8)
        let command = envelope.commandID.map { Array($0.utf8) }
        let issuer = envelope.issuedBy.map { Array($0.utf8) }
        let payload = payload ?? Array(envelope.payload.jsonData())
        return try aggregate.withUnsafeBytes { aggregate in
            try payload.withUnsafeBytes { payload in
                func stored(_ command: UnsafeRawBufferPointer?, _ issuer: UnsafeRawBufferPointer?) throws -> T {
                    try body(
                        StoredEnvelope(
                            position: envelope.position, eventID: envelope.eventID, type: envelope.type,
                            schemaVersion: envelope.schemaVersion, occurredAt: envelope.occurredAt,
                            aggregateID: aggregate, aggregateVersion: envelope.aggregateVersion, commandID: command,
                            issuedBy: issuer, payload: payload))
                }
                func withIssuer(_ command: UnsafeRawBufferPointer?) throws -> T {
                    guard let issuer else { return try stored(command, nil) }
                    return try issuer.withUnsafeBytes { try stored(command, $0) }
                }
                guard let command else { return try withIssuer(nil) }
                return try command.withUnsafeBytes { try withIssuer($0) }
            }
        }
    }

    /// Stored events (payload kept as text, never parsed) go out as the same bytes as their decoded
    /// envelopes: one by one for the PUB socket, and as replay pages.
    @Test func storedEnvelopesEncodeToJSONEncodersBytes() throws {
        let all = Self.envelopes + Self.outOfRangeYears
        for envelope in all {
            let frame = try Self.withStored(envelope) { try EventCodec.encode($0) }
            #expect(frame == Self.reference(envelope), "\(envelope)")
            #expect(try Self.withStored(envelope) { try $0.decoded() } == envelope)
        }
        for events in [all, eventSamples.map(\.envelope), []] {
            var page = ReplayPageWriter(expectedEvents: events.count)
            for envelope in events { try Self.withStored(envelope) { try page.append($0) } }
            #expect(page.count == events.count)
            let response = ReplayReply.events(ReplayResponse(events: events, head: 99))
            #expect(page.finish(head: 99) == Array(Self.reference(response)))
        }
    }

    /// A stored payload that is not even an object fails the event, and a page loses nothing it
    /// had. An object is copied as stored, unparsed: the log holds what this encoder wrote.
    @Test func storedPayloadsThatAreNoObjectAreRefused() throws {
        let envelope = eventSamples[0].envelope
        for broken in ["", "{", "[]", "x{}", "{\"ref\":\"caf\u{e9}\"}x", "{\"qty\":1} "] {
            #expect(throws: EventDecodingError.self) {
                try Self.withStored(envelope, payload: Array(broken.utf8)) { _ = try EventCodec.encode($0) }
            }
            var page = ReplayPageWriter(expectedEvents: 2)
            try Self.withStored(envelope) { try page.append($0) }
            #expect(throws: EventDecodingError.self) {
                try Self.withStored(envelope, payload: Array(broken.utf8)) { try page.append($0) }
            }
            let response = ReplayReply.events(ReplayResponse(events: [envelope], head: 1))
            #expect(page.finish(head: 1) == Array(Self.reference(response)))
        }
        let copied = try Self.withStored(envelope, payload: Array("{}".utf8)) { try EventCodec.encode($0) }
        #expect(String(decoding: copied, as: UTF8.self).contains(#""payload":{},"#))
    }

    @Test func repliesPayloadsAndFingerprintsEncodeToJSONEncodersBytes() {
        var replies = replySamples.map(\.reply)
        for text in Self.awkwardTexts {
            replies.append(.ok(commandID: text, result: .allocated(to: text), position: nil))
            replies.append(CommandReply(commandID: nil, status: .ok, result: .outOfStock, position: 3))
        }
        for reply in replies { #expect(CommandCodec.encode(reply) == Self.reference(reply), "\(reply)") }

        for envelope in Self.envelopes {
            #expect(envelope.payload.jsonData() == Self.reference(envelope.payload), "\(envelope.payload)")
        }

        var requests = commandSamples.map(\.request)
        for text in Self.awkwardTexts {
            requests.append(
                CommandRequest(
                    commandID: "c", payload: .allocate(AllocatePayload(orderID: text, sku: text, quantity: -3))))
        }
        for request in requests {
            let reference = String(decoding: Self.reference(Fingerprinted(request: request)), as: UTF8.self)
            #expect(request.fingerprint == reference, "\(request)")
            #expect(CommandCodec.encode(request) == Self.reference(request), "\(request)")
        }
    }

    /// Replies, read through the quick path, decode as JSONDecoder does, broken ones included.
    @Test func repliesDecodeAsJSONDecoderDoes() throws {
        var seeds = replySamples.map { Array(CommandCodec.encode($0.reply)) }
        seeds += try replySamples.map { try Array(Fixture.data($0.fixture)) }
        seeds.append(Array(#" { "status" : "ok", "result": {"outcome": "allocated"}, "position": null } "#.utf8))
        seeds.append(Array(#"{"command_id":null,"error":null,"position":7,"result":null,"status":"rejected"}"#.utf8))
        let frames = seeds + Self.mutated(seeds, seed: 31)
        for bytes in frames {
            let reference = try? JSONDecoder().decode(CommandReply.self, from: Data(bytes))
            #expect(CommandCodec.decodeReply(bytes).success == reference, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    /// Requests, read through the quick path, decode as JSONDecoder does; broken and odd ones
    /// (mutated at random) get the same verdict either way.
    @Test func requestsDecodeAsJSONDecoderDoes() throws {
        var seeds = commandSamples.map { Array(CommandCodec.encode($0.request)) }
        seeds += try commandSamples.map { try Array(Fixture.data($0.fixture)) }
        seeds.append(
            Array(#" {"type": "Allocate", "payload": {"sku": "S", "qty": 2, "orderid": "o"}, "command_id": "c"} "#.utf8)
        )
        seeds.append(
            Array(
                #"{"command_id":"c","payload":{"orderid":"o","qty":2,"sku":"S"},"schema_version":1,"type":"Allocate"}"#
                    .utf8))
        seeds.append(Array(#"{"command_id":"c","payload":{"orderid":"o","qty":2,"sku":"S"},"type":"allocate"}"#.utf8))
        let frames = seeds + Self.mutated(seeds, seed: 23)
        for bytes in frames {
            let reference = try? JSONDecoder().decode(CommandRequest.self, from: Data(bytes))
            switch CommandCodec.decode(bytes) {
            case .success(let decoded):
                #expect(decoded.request == reference, "\(String(decoding: bytes, as: UTF8.self))")
            case .failure:
                if let reference { #expect((try? reference.payload.command()) == nil, "\(reference)") }
            }
        }
    }

    /// What a fingerprint covers: everything of a request but its id.
    struct Fingerprinted: Encodable {
        let request: CommandRequest
        enum CodingKeys: String, CodingKey {
            case type, schemaVersion = "schema_version", payload, issuedBy = "issued_by"
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(request.type, forKey: .type)
            try container.encode(request.schemaVersion, forKey: .schemaVersion)
            try container.encode(request.payload, forKey: .payload)
            try container.encodeIfPresent(request.issuedBy, forKey: .issuedBy)
        }
    }

    @Test func storedPayloadsDecodeAsJSONDecoderDoes() throws {
        for envelope in Self.envelopes {
            let json = envelope.payload.jsonData()
            #expect(try EventPayload(type: envelope.type, json: json) == envelope.payload)
        }
        // Spaces, other key orders, unknown fields and a null where a string may be absent.
        let loose = #" { "sku" : "S", "future": {"x": [1, 2.5e3, true, null]}, "qty": 3, "ref": "r", "eta": null } "#
        #expect(
            try EventPayload(type: .batchCreated, json: Array(loose.utf8))
                == .batchCreated(BatchCreatedPayload(reference: "r", sku: "S", quantity: 3, eta: nil)))
        // Quantities the thorough path also accepts, and one it refuses.
        #expect(
            try EventPayload(type: .batchQuantityChanged, json: Array(#"{"qty": 1e3, "ref": "r", "sku": "S"}"#.utf8))
                == .batchQuantityChanged(BatchQuantityChangedPayload(reference: "r", sku: "S", quantity: 1000)))
        #expect(throws: WireError.self) {
            try EventPayload(type: .batchQuantityChanged, json: Array(#"{"qty": 1.5, "ref": "r", "sku": "S"}"#.utf8))
        }
    }

    @Test func framesDecodeAsJSONDecoderDoes() throws {
        var frames = Self.envelopes.map { Array(EventCodec.encode($0)) }
        frames += try eventSamples.map { try Array(Fixture.data($0.fixture)) }
        for frame in frames {
            let decoded = try #require(Self.referenceEnvelope(frame))
            #expect(EventCodec.decode(frame).success == decoded)
        }
        for envelope in Self.envelopes { #expect(EventCodec.decode(EventCodec.encode(envelope)).success == envelope) }
        let response = ReplayResponse(events: Self.envelopes, head: 99)
        let reply = Array(ReplayCodec.encode(.events(response)))
        #expect(ReplayCodec.decodeReply(reply).success == .events(response))
        let fixture = try Array(Fixture.data("replay/response.json"))
        #expect(ReplayCodec.decodeReply(fixture).success == Self.referenceReply(fixture))
    }

    /// Differential fuzzing: broken and odd frames get the same verdict both ways, and whatever
    /// decodes decodes to the same value.
    @Test func mutatedFramesGetTheSameVerdict() throws {
        let plain = eventSamples.map(\.envelope)
        var seeds = plain.map { Array(EventCodec.encode($0)) }
        seeds += try eventSamples.map { try Array(Fixture.data($0.fixture)) }
        seeds.append(Array(ReplayCodec.encode(.events(ReplayResponse(events: plain, head: 9)))))
        seeds.append(try Array(Fixture.data("replay/response.json")))
        for bytes in Self.mutated(seeds, seed: 11) {
            #expect(
                EventCodec.decode(bytes).success == Self.referenceEnvelope(bytes),
                "\(String(decoding: bytes, as: UTF8.self))")
            #expect(ReplayCodec.decodeReply(bytes).success == Self.referenceReply(bytes))
        }
    }
}

extension Result {
    var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
