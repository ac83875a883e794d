import CommandService
import Contracts
import Foundation
import Messaging
import TestSupport
import Testing

/// Bad input over a real socket: each gets its stable code, the service keeps serving, and the
/// database does not change (DESIGN.md invariant 7).
@Suite struct CommandServerMalformedTests {
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let frames: Frames
        let code: ErrorCode
        var commandID: String? = nil
        var field: String? = nil
        /// Whether the reply comes back behind an empty delimiter frame (REQ style).
        var delimited = false
    }

    static func json(_ text: String) -> Frames { [Array(text.utf8)] }

    static let cases: [Case] = [
        Case(description: "not JSON", frames: json("hello"), code: .badJSON),
        Case(description: "invalid UTF-8", frames: [[0xff, 0xfe, 0x7b]], code: .badJSON),
        Case(description: "a JSON array", frames: json("[1, 2]"), code: .badJSON),
        Case(description: "an empty frame", frames: [[]], code: .badFrames, delimited: true),
        Case(
            description: "no command id", frames: json(#"{"type": "Allocate", "payload": {}}"#), code: .missingField,
            field: "command_id"),
        Case(
            description: "a numeric command id", frames: json(#"{"command_id": 7, "type": "Allocate", "payload": {}}"#),
            code: .invalidField, field: "command_id"),
        Case(
            description: "an unknown type",
            frames: json(Wire.request("m1", "Teleport", "{}")), code: .unknownType, commandID: "m1", field: "type"),
        Case(
            description: "an unsupported schema version",
            frames: json(
                #"{"command_id": "m2", "type": "Allocate", "schema_version": 9, "payload": {"orderid": "o", "#
                    + #""sku": "S", "qty": 1}}"#
            ),
            code: .unsupportedSchemaVersion, commandID: "m2", field: "schema_version"),
        Case(
            description: "no payload", frames: json(#"{"command_id": "m3", "type": "Allocate"}"#),
            code: .missingField, commandID: "m3", field: "payload"),
        Case(
            description: "a missing payload field",
            frames: json(Wire.request("m4", "Allocate", #"{"orderid": "o", "qty": 1}"#)),
            code: .missingField, commandID: "m4", field: "sku"),
        Case(
            description: "a mistyped quantity",
            frames: json(Wire.request("m5", "Allocate", #"{"orderid": "o", "sku": "S", "qty": "1"}"#)),
            code: .invalidField, commandID: "m5", field: "qty"),
        Case(
            description: "a fractional quantity",
            frames: json(Wire.request("m6", "Allocate", #"{"orderid": "o", "sku": "S", "qty": 1.5}"#)),
            code: .invalidQuantity, commandID: "m6", field: "qty"),
        Case(
            description: "a negative quantity", frames: json(Wire.createBatch("m7", ref: "b", sku: "S", qty: -5)),
            code: .invalidQuantity, commandID: "m7", field: "qty"),
        Case(
            description: "a huge quantity", frames: json(Wire.allocate("m8", order: "o", sku: "S", qty: 1_000_000_001)),
            code: .invalidQuantity, commandID: "m8", field: "qty"),
        Case(
            description: "a quantity beyond 64 bits",
            frames: json(Wire.request("m9", "Allocate", #"{"orderid": "o", "sku": "S", "qty": 1e40}"#)),
            code: .invalidQuantity, commandID: "m9", field: "qty"),
        Case(
            description: "an empty identifier", frames: json(Wire.allocate("m10", order: "", sku: "S", qty: 1)),
            code: .invalidField, commandID: "m10", field: "orderid"),
        Case(
            description: "a bad date",
            frames: json(Wire.createBatch("m11", ref: "b", sku: "S", qty: 1, eta: "tomorrow")),
            code: .invalidField, commandID: "m11", field: "eta"),
        Case(
            description: "two body frames",
            frames: json(Wire.allocate("m12", order: "o", sku: "S", qty: 1)) + json("{}"), code: .badFrames),
        Case(
            description: "a delimiter and two body frames",
            frames: [[]] + json(Wire.allocate("m13", order: "o", sku: "S", qty: 1)) + json("{}"), code: .badFrames,
            delimited: true),
        Case(
            description: "a non-empty frame in front of the body",
            frames: json("x") + json(Wire.allocate("m14", order: "o", sku: "S", qty: 1)), code: .badFrames),
        Case(
            description: "a REQ-style delimiter with a bad body", frames: [[]] + json("nope"), code: .badJSON,
            delimited: true),
        Case(
            description: "a frame over 64 KiB",
            frames: [
                Array(Wire.request("m15", "Allocate", #"{"pad": "\#(String(repeating: "x", count: 70_000))"}"#).utf8)
            ],
            code: .frameTooLarge),
    ]

    @Test func everyMalformedRequestGetsItsCodeAndChangesNothing() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let client = try TestDealer(app.commandEndpoint)
                for testCase in Self.cases {
                    let frames = try await client.exchange(testCase.frames)
                    let expectedFrames = testCase.delimited ? 2 : 1
                    #expect(frames.count == expectedFrames, "\(testCase)")
                    if testCase.delimited { #expect(frames.first?.isEmpty == true, "\(testCase)") }
                    guard let body = frames.last else { continue }
                    let reply = try CommandCodec.decodeReply(body).get()
                    #expect(reply.status == testCase.code.status, "\(testCase)")
                    #expect(reply.error?.code == testCase.code, "\(testCase): \(String(describing: reply.error))")
                    #expect(reply.error?.retryable == false, "\(testCase)")
                    #expect(reply.commandID == testCase.commandID, "\(testCase)")
                    if let field = testCase.field { #expect(reply.error?.field == field, "\(testCase)") }
                    #expect(reply.result == nil && reply.position == nil, "\(testCase)")
                }
                for table in ["products", "batches", "allocations", "event_log", "processed_commands"] {
                    #expect(try await ServiceHarness.scalar(url, "SELECT count(*) FROM \(table)") == 0, "\(table)")
                }
                // Still serving.
                let ok = try await client.command(Wire.createBatch("after", ref: "b1", sku: "S", qty: 1))
                #expect(ok == .ok(commandID: "after", result: .batchCreated, position: 1))
            }
        }
    }

    /// ZeroMQ drops a peer whose message exceeds the socket's 1 MiB guard before Swift sees it: no
    /// reply, and the client's socket reconnects by itself and is served again.
    @Test func aMessageOverTheMemoryGuardDropsOnlyThatConnection() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let client = try TestDealer(app.commandEndpoint)
                try client.socket.send([[UInt8](repeating: UInt8(ascii: "x"), count: 2 << 20)])
                let reply = try await eventually("the client is served again", timeout: .seconds(30)) {
                    () async throws -> CommandReply? in
                    let frames = try await client.exchange(
                        [Array(Wire.createBatch("after-huge", ref: "b1", sku: "S", qty: 1).utf8)],
                        timeout: .seconds(1))
                    let reply = try TestDealer.reply(frames)
                    #expect(reply.error?.code != .frameTooLarge, "the oversized message was answered")
                    return reply.commandID == "after-huge" ? reply : nil
                }
                #expect(reply.status == .ok)
                // Another client was never affected.
                let other = try TestDealer(app.commandEndpoint)
                #expect(try await other.command(Wire.allocate("x1", order: "o", sku: "S", qty: 1)).status == .ok)
            }
        }
    }
}
