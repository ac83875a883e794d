import Contracts
import Foundation
import Testing

@Suite struct ReplayTests {
    @Test func requestFixture() throws {
        #expect(
            try ReplayCodec.decodeRequest(Fixture.data("replay/request.json")).get()
                == ReplayRequest(from: 1, limit: 1000))
        try Fixture.expectSameJSON(ReplayCodec.encode(ReplayRequest(from: 1)), as: "replay/request.json")
    }

    @Test func responseFixture() throws {
        #expect(
            try ReplayCodec.decodeReply(Fixture.data("replay/response.json")).get() == .events(replayResponseSample))
        try Fixture.expectSameJSON(ReplayCodec.encode(.events(replayResponseSample)), as: "replay/response.json")
    }

    @Test func errorFixture() throws {
        let error = WireError.invalidField("limit", "must be between 1 and 10000, got 0")
        #expect(try ReplayCodec.decodeReply(Fixture.data("replay/error.json")).get() == .failure(error))
        try Fixture.expectSameJSON(ReplayCodec.encode(.failure(error)), as: "replay/error.json")
    }

    @Test func heartbeatFixture() throws {
        let heartbeat = Heartbeat(head: 1234, time: instant1)
        #expect(try EventCodec.decodeHeartbeat(Fixture.data("heartbeat.json")).get() == heartbeat)
        try Fixture.expectSameJSON(EventCodec.encode(heartbeat), as: "heartbeat.json")
    }

    /// A request and a heartbeat name the event log when they know it, and leave `log` out when not,
    /// as readers and services that predate it write them.
    @Test func requestsAndHeartbeatsNameTheLog() throws {
        let request = ReplayRequest(from: 3, limit: 10, encoding: .binary, log: "log-1")
        #expect(try ReplayCodec.decodeRequest(ReplayCodec.encode(request)).get() == request)
        #expect(String(decoding: ReplayCodec.encode(request), as: UTF8.self).contains(#""log":"log-1""#))
        #expect(!String(decoding: ReplayCodec.encode(ReplayRequest(from: 3)), as: UTF8.self).contains("log"))
        let heartbeat = Heartbeat(head: 9, time: instant1, log: "log-1")
        #expect(try EventCodec.decodeHeartbeat(EventCodec.encode(heartbeat)).get() == heartbeat)
        #expect(try EventCodec.decodeHeartbeat(Fixture.data("heartbeat.json")).get().log == nil)
    }

    @Test func limitDefaultsTo1000() throws {
        #expect(try ReplayCodec.decodeRequest(Data(#"{"from": 7}"#.utf8)).get() == ReplayRequest(from: 7, limit: 1000))
    }

    @Test(
        arguments: [
            (#"{"limit": 10}"#, ErrorCode.missingField, "from"),
            (#"{"from": 0}"#, .invalidField, "from"),
            (#"{"from": 1, "limit": 0}"#, .invalidField, "limit"),
            (#"{"from": 1, "limit": 10001}"#, .invalidField, "limit"),
            (#"{"from": 1.5}"#, .invalidField, "from"),
            (#"{"from": "1"}"#, .invalidField, "from"),
            (#"{"from": 1, "log": ""}"#, .invalidField, "log"),
            (#"{"from": 1, "log": 7}"#, .invalidField, "log"),
            (#"{"from": 1, "log": "\#(String(repeating: "x", count: 101))"}"#, .invalidField, "log"),
            ("from=1", .badJSON, nil),
        ] as [(String, ErrorCode, String?)])
    func badRequestsSayWhatIsWrong(_ json: String, _ code: ErrorCode, _ field: String?) throws {
        let error = try #require(ReplayCodec.decodeRequest(Data(json.utf8)).failure)
        #expect(error.code == code)
        #expect(error.field == field)
    }

    @Test func anOversizedRequestIsTooLarge() throws {
        let frame = Data(repeating: 0x20, count: WireLimits.maximumRequestBytes + 1)
        #expect(ReplayCodec.decodeRequest(frame).failure?.code == .frameTooLarge)
    }

    @Test func aResponseWithAnUnknownEventFailsAsAWhole() throws {
        var json = String(decoding: try Fixture.data("replay/response.json"), as: UTF8.self)
        let second = try #require(json.range(of: #""position": 2,"#))
        let type = try #require(json.range(of: #""type": "BatchCreated""#, range: second.upperBound..<json.endIndex))
        json.replaceSubrange(type, with: #""type": "Teleported""#)
        #expect(ReplayCodec.decodeReply(Data(json.utf8)).failure == .unknownType("Teleported", position: 2))
    }
}
