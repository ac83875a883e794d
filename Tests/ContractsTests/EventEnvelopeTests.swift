import Contracts
import Domain
import Foundation
import Testing

@Suite struct EventEnvelopeTests {
    @Test(arguments: eventSamples)
    func fixtureDecodesToTheEnvelope(_ sample: EventSample) throws {
        let envelope = try EventCodec.decode(Fixture.data(sample.fixture)).get()
        #expect(envelope == sample.envelope)
    }

    @Test(arguments: eventSamples)
    func envelopeEncodesToTheFixture(_ sample: EventSample) throws {
        try Fixture.expectSameJSON(EventCodec.encode(sample.envelope), as: sample.fixture)
    }

    @Test(arguments: eventSamples)
    func domainEventRoundTrips(_ sample: EventSample) throws {
        let envelope = try EventEnvelope(
            position: 42, eventID: UUID(), occurredAt: instant1, aggregateVersion: 9, commandID: nil,
            event: sample.event)
        #expect(envelope.aggregateID == sample.event.aggregateID)
        #expect(envelope.payload.aggregateID == sample.event.aggregateID)
        #expect(try EventCodec.decode(EventCodec.encode(envelope)).get() == envelope)
    }

    @Test func everyDeallocationReasonRoundTrips() throws {
        for event in extraEvents {
            let envelope = try EventEnvelope(
                position: 7, eventID: UUID(), occurredAt: instant2, aggregateVersion: 2, commandID: "c", event: event)
            #expect(try EventCodec.decode(EventCodec.encode(envelope)).get() == envelope)
        }
        let reasons = try extraEvents.compactMap { event -> String? in
            guard case .deallocated(let payload) = try EventPayload(event) else { return nil }
            return payload.reason
        }
        #expect(reasons == ["batch_quantity_reduced"])
    }

    @Test(arguments: eventSamples)
    func payloadAloneRoundTrips(_ sample: EventSample) throws {
        let payload = sample.envelope.payload
        #expect(try EventPayload(type: payload.type, json: payload.jsonData()) == payload)
    }

    @Test func topicNamesTheEventType() {
        #expect(eventSamples[1].envelope.topic == "event.Allocated")
        #expect(Topic.heartbeat == "heartbeat")
        #expect(EventType.allCases.allSatisfy { $0.topic.hasPrefix(Topic.eventPrefix) })
    }

    @Test func anUnknownTypeIsReportedWithItsPositionNotSkipped() throws {
        var json = String(decoding: try Fixture.data("events/allocated.json"), as: UTF8.self)
        json = json.replacingOccurrences(of: #""type": "Allocated""#, with: #""type": "InventoryCounted""#)
        #expect(EventCodec.decode(Data(json.utf8)).failure == .unknownType("InventoryCounted", position: 3))
    }

    @Test func aLaterSchemaVersionIsReportedNotMisread() throws {
        var json = String(decoding: try Fixture.data("events/allocated.json"), as: UTF8.self)
        json = json.replacingOccurrences(of: #""schema_version": 1"#, with: #""schema_version": 2"#)
        #expect(
            EventCodec.decode(Data(json.utf8)).failure
                == .unsupportedSchemaVersion(type: "Allocated", version: 2, position: 3))
    }

    @Test func unknownFieldsAreIgnored() throws {
        var json = String(decoding: try Fixture.data("events/allocated.json"), as: UTF8.self)
        json = json.replacingOccurrences(of: #""qty": 2,"#, with: #""qty": 2, "warehouse": "north","#)
        json = json.replacingOccurrences(of: #""position": 3,"#, with: #""position": 3, "trace_id": "t","#)
        #expect(try EventCodec.decode(Data(json.utf8)).get() == eventSamples[1].envelope)
    }

    @Test(
        arguments: [
            (#"{"position": 1}"#, ErrorCode.missingField, "type"),
            (#"{"position": "1", "type": "Allocated"}"#, .invalidField, "position"),
            ("[]", .badJSON, nil),
        ] as [(String, ErrorCode, String?)])
    func aMalformedEnvelopeSaysWhatIsWrong(_ json: String, _ code: ErrorCode, _ field: String?) throws {
        guard case .malformed(let error) = try #require(EventCodec.decode(Data(json.utf8)).failure) else {
            Issue.record("expected malformed")
            return
        }
        #expect(error.code == code)
        #expect(error.field == field)
    }

    @Test func anEventIDIsWrittenInLowerCase() throws {
        let text = String(decoding: EventCodec.encode(eventSamples[0].envelope), as: UTF8.self)
        #expect(text.contains(#""event_id":"7d3f5e8a-1b2c-4d5e-8f90-a1b2c3d4e501""#))
    }

    @Test(arguments: [
        (1_795_654_923.456_4, "2026-11-26T01:02:03.456Z"),
        (1_795_654_923.999_6, "2026-11-26T01:02:04.000Z"),
        (0, "1970-01-01T00:00:00.000Z"),
        (-0.001, "1969-12-31T23:59:59.999Z"),
        (951_782_400, "2000-02-29T00:00:00.000Z"),
    ])
    func timesAreUTCWithMilliseconds(_ seconds: Double, _ text: String) throws {
        let heartbeat = Heartbeat(head: 0, time: Date(timeIntervalSince1970: seconds))
        #expect(String(decoding: EventCodec.encode(heartbeat), as: UTF8.self) == #"{"head":0,"time":"\#(text)"}"#)
        let decoded = try EventCodec.decodeHeartbeat(Data(#"{"head":0,"time":"\#(text)"}"#.utf8)).get()
        #expect(EventCodec.encode(decoded) == EventCodec.encode(heartbeat))
    }

    @Test(arguments: ["2026-11-26T02:02:03.456+01:00", "2026-11-26T01:02:03.456789Z", "2026-11-25T20:02:03.4567-05:00"])
    func timesWithOffsetsOrMoreDigitsAreRead(_ text: String) throws {
        let decoded = try EventCodec.decodeHeartbeat(Data(#"{"head":1,"time":"\#(text)"}"#.utf8)).get()
        #expect(decoded.time == instant1)
    }

    @Test(arguments: ["2026-11-26", "2026-11-26T01:02:03", "2026-02-30T01:02:03Z", "2026-11-26T24:00:00Z", "x", ""])
    func badTimesAreInvalidFields(_ text: String) throws {
        let error = try #require(EventCodec.decodeHeartbeat(Data(#"{"head":1,"time":"\#(text)"}"#.utf8)).failure)
        #expect(error.code == .invalidField)
        #expect(error.field == "time")
    }
}
