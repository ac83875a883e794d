import CommandService
import Contracts
import Foundation
import Messaging
import TestSupport
import Testing

/// The replay socket: ranges of the log with the head, and structured errors for bad requests
/// (docs/PROTOCOL.md §8).
@Suite struct ReplayServerTests {
    @Test func servesRangesOfTheLogWithTheHead() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let commands = try TestDealer(app.commandEndpoint)
                _ = try await commands.send(Wire.createBatch("c0", ref: "b1", sku: "S", qty: 100))
                for order in 0..<11 {
                    _ = try await commands.send(Wire.allocate("a\(order)", order: "o\(order)", sku: "S", qty: 1))
                }
                let head = 12
                let replay = try TestDealer(app.replayEndpoint)

                func range(_ json: String) async throws -> (positions: [Int], head: Int) {
                    guard case .events(let response) = try await replay.replay(json) else {
                        throw HarnessError("\(json) failed")
                    }
                    return (response.events.map(\.position), response.head)
                }
                #expect(try await range(#"{"from": 1}"#) == (Array(1...head), head))
                #expect(try await range(#"{"from": 1, "limit": 1}"#) == ([1], head))
                #expect(try await range(#"{"from": 5, "limit": 3}"#) == ([5, 6, 7], head))
                #expect(try await range(#"{"from": 10, "limit": 100}"#) == ([10, 11, 12], head))
                #expect(try await range(#"{"from": 12}"#) == ([12], head))
                #expect(try await range(#"{"from": 13}"#) == ([], head))
                #expect(try await range(#"{"from": 1000000, "limit": 10000}"#) == ([], head))
                // REQ-style framing works here too.
                let framed = try await replay.exchange([[], Array(#"{"from": 2, "limit": 1}"#.utf8)])
                #expect(framed.count == 2 && framed[0].isEmpty)

                // The events are whole envelopes, the command's own.
                guard case .events(let first) = try await replay.replay(#"{"from": 1, "limit": 2}"#) else {
                    throw HarnessError("replay failed")
                }
                #expect(first.events.map(\.commandID) == ["c0", "a0"])
                #expect(first.events.map(\.type) == [.batchCreated, .allocated])

                // A binary page holds the same events as the JSON one, the head, and nothing past it.
                for request in [#"{"from": 1}"#, #"{"from": 5, "limit": 3}"#, #"{"from": 13}"#] {
                    let binary = request.replacingOccurrences(of: "}", with: #", "encoding": "binary"}"#)
                    let frames = try await replay.exchange([Array(binary.utf8)])
                    #expect(frames.count == 1 && frames[0].starts(with: Array("CRB1".utf8)), "\(binary)")
                    #expect(try await replay.replay(binary) == replay.replay(request), "\(binary)")
                }
            }
        }
    }

    /// The log's id, drawn with the schema, is what heartbeats name; replay serves a reader that names
    /// it and refuses one that names another log, whose positions would be other events.
    @Test func heartbeatsNameTheLogAndReplayServesOnlyThatLog() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let log = try #require(try await ServiceHarness.text(url, "SELECT log FROM log_identity"))
                #expect(UUID(uuidString: log) != nil)
                let subscriber = try TestSubscriber(app.eventsEndpoint)
                let seen = try await subscriber.collect { _, heartbeats in !heartbeats.isEmpty }
                #expect(seen.heartbeats.allSatisfy { $0.log == log })
                // A heartbeat means the relay's session set the welcome: whoever connects now hears
                // the log's id before anything else.
                let latecomer = try TestSubscriber(app.eventsEndpoint)
                guard case .welcome(let welcomed) = try await latecomer.next() else {
                    throw HarnessError("a new subscriber's first message was not the welcome")
                }
                #expect(welcomed == log)

                let commands = try TestDealer(app.commandEndpoint)
                _ = try await commands.send(Wire.createBatch("c0", ref: "b1", sku: "S", qty: 100))
                let replay = try TestDealer(app.replayEndpoint)
                guard case .events(let named) = try await replay.replay(#"{"from": 1, "log": "\#(log)"}"#) else {
                    throw HarnessError("a request naming this log was refused")
                }
                #expect(named.events.map(\.commandID) == ["c0"])
                guard case .failure(let error) = try await replay.replay(#"{"from": 1, "log": "\#(UUID())"}"#) else {
                    throw HarnessError("a request naming another log was served")
                }
                #expect(error.code == .otherLog && error.retryable == false)
                #expect(error.message.contains(log))
            }
        }
    }

    @Test func badRequestsGetStructuredErrorsAndTheServerKeepsServing() async throws {
        let cases: [(String, Frames, ErrorCode, String?)] = [
            ("not JSON", [Array("from 1".utf8)], .badJSON, nil),
            ("an array", [Array("[1]".utf8)], .badJSON, nil),
            ("no from", [Array(#"{"limit": 5}"#.utf8)], .missingField, "from"),
            ("from 0", [Array(#"{"from": 0}"#.utf8)], .invalidField, "from"),
            ("from as a string", [Array(#"{"from": "1"}"#.utf8)], .invalidField, "from"),
            ("a negative from", [Array(#"{"from": -3}"#.utf8)], .invalidField, "from"),
            ("limit 0", [Array(#"{"from": 1, "limit": 0}"#.utf8)], .invalidField, "limit"),
            ("a limit over 10000", [Array(#"{"from": 1, "limit": 10001}"#.utf8)], .invalidField, "limit"),
            ("an empty log", [Array(#"{"from": 1, "log": ""}"#.utf8)], .invalidField, "log"),
            ("a log as a number", [Array(#"{"from": 1, "log": 7}"#.utf8)], .invalidField, "log"),
            ("another database's log", [Array(#"{"from": 1, "log": "someone-elses"}"#.utf8)], .otherLog, nil),
            ("two frames", [Array(#"{"from": 1}"#.utf8), Array("{}".utf8)], .badFrames, nil),
            (
                "an oversized frame", [Array(#"{"from": 1, "x": "\#(String(repeating: "y", count: 70_000))"}"#.utf8)],
                .frameTooLarge, nil
            ),
        ]
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let replay = try TestDealer(app.replayEndpoint)
                for (name, frames, code, field) in cases {
                    let reply = try await replay.exchange(frames)
                    #expect(reply.count == 1, "\(name)")
                    guard case .failure(let error) = try ReplayCodec.decodeReply(reply[0]).get() else {
                        Issue.record("\(name) was answered with events")
                        continue
                    }
                    #expect(error.code == code, "\(name): \(error)")
                    #expect(error.retryable == false, "\(name)")
                    if let field { #expect(error.field == field, "\(name)") }
                }
                guard case .events(let response) = try await replay.replay(#"{"from": 1}"#) else {
                    throw HarnessError("the server stopped serving")
                }
                #expect(response.events.isEmpty && response.head == 0)
            }
        }
    }
}
