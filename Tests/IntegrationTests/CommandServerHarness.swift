import CommandService
import Contracts
import Foundation
import Logging
import Messaging
import PostgresNIO
import TestSupport

/// Runs whole command services in-process on real PostgreSQL and real ZeroMQ, on loopback ports the
/// operating system picks, for the server, relay and replay tests.
enum ServiceHarness {
    /// One ZeroMQ context for every test socket; each socket is closed by the test that opened it.
    static let context: ZMQContext = try! ZMQContext()

    static let logger: Logger = {
        var logger = Logger(label: "test.command-service")
        // COSMIC_TEST_LOG_LEVEL=debug shows what the services do while a test runs.
        logger.logLevel =
            ProcessInfo.processInfo.environment["COSMIC_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            ?? .warning
        return logger
    }()

    /// A configuration for `url` with every endpoint on a free loopback port.
    static func configuration(_ url: String) -> CommandServiceConfiguration {
        CommandServiceConfiguration(
            databaseURL: url, commandEndpoint: "tcp://127.0.0.1:*", eventsEndpoint: "tcp://127.0.0.1:*",
            replayEndpoint: "tcp://127.0.0.1:*", httpAddress: "127.0.0.1:0", commandTimeout: .seconds(10),
            poolSize: 10,
            // Generous: a relay session given up under load would only slow a test down (a test about
            // these deadlines sets its own).
            relay: OutboxRelay.Settings(
                connectTimeout: .seconds(30), flushTimeout: .seconds(60), statementTimeout: .seconds(60)))
    }

    /// Starts a service on `url`, waits until it serves (unless told not to), runs `body`, then shuts
    /// the service down gracefully and waits until it has stopped.
    static func withService<T: Sendable>(
        _ url: String, waitUntilServing: Bool = true,
        configure: (inout CommandServiceConfiguration) -> Void = { _ in },
        _ body: (CommandServiceApp) async throws -> T
    ) async throws -> T {
        var configuration = configuration(url)
        configure(&configuration)
        var logger = logger
        logger[metadataKey: "database"] = "\(url.split(separator: "/").last ?? "")"
        let app = try CommandServiceApp(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            do {
                if waitUntilServing {
                    _ = try await eventually("the service serves") { app.state.phase == .serving ? true : nil }
                }
                let result = try await body(app)
                await app.shutdown()
                try await group.waitForAll()
                return result
            } catch {
                await app.shutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// A fresh, empty database (the service migrates it when it starts).
    static func withDatabase<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        try await TestDatabase.withFreshDatabase(body)
    }

    /// A text the database computes.
    static func text(_ url: String, _ sql: String) async throws -> String? {
        try await TestDatabase.withClient(url, maximumConnections: 1) { client in
            var value: String?
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(
                String.self)
            {
                value = row
            }
            return value
        }
    }

    /// An integer the database computes, e.g. a count.
    static func scalar(_ url: String, _ sql: String) async throws -> Int {
        try await TestDatabase.withClient(url, maximumConnections: 1) { client in
            var value = 0
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self)
            {
                value = row
            }
            return value
        }
    }
}

/// A DEALER on a ROUTER socket, as a client in any language would use it: one request at a time.
final class TestDealer: Sendable {
    let socket: OwnedSocket

    init(_ endpoint: String, security: SocketSecurity = .none) throws {
        socket = try OwnedSocket(
            context: ServiceHarness.context, kind: .dealer, options: SocketOptions(security: security),
            connect: [endpoint])
    }

    deinit { socket.close() }

    /// Sends `frames` and returns the next message received.
    func exchange(_ frames: Frames, timeout: Duration = .seconds(15)) async throws -> Frames {
        try await socket.request(frames, timeout: timeout)
    }

    /// Sends one JSON frame and reads the one-frame reply, matched by command id: a late reply to an
    /// earlier request that timed out (a retry in `eventually`) is skipped, never taken for this one's.
    func command(_ json: String, timeout: Duration = .seconds(15)) async throws -> CommandReply {
        let frame = Array(json.utf8)
        return try Self.reply(
            try await socket.request([frame], timeout: timeout, isReply: ReplyMatching.isReply(to: frame)))
    }

    /// Sends `json` as a well-behaved client does: while the reply is a retryable error, it sends the
    /// same request (same command id) again. A busy machine running the whole suite may need it.
    func send(_ json: String, attempts: Int = 10) async throws -> CommandReply {
        var reply = try await command(json)
        for _ in 1..<attempts where reply.error?.retryable == true {
            reply = try await command(json)
        }
        return reply
    }

    static func reply(_ frames: Frames) throws -> CommandReply {
        guard frames.count == 1 else { throw HarnessError("expected one reply frame, got \(frames.count)") }
        return try CommandCodec.decodeReply(frames[0]).get()
    }

    /// Sends a replay request and reads the response.
    func replay(_ json: String, timeout: Duration = .seconds(15)) async throws -> ReplayReply {
        let frames = try await exchange([Array(json.utf8)], timeout: timeout)
        guard frames.count == 1 else { throw HarnessError("expected one replay frame, got \(frames.count)") }
        return try ReplayCodec.decodeReply(frames[0]).get()
    }

    /// Every event from position 1 to the head, in as many replay requests as it takes.
    func replayAll() async throws -> (events: [EventEnvelope], head: Int) {
        var events: [EventEnvelope] = []
        while true {
            guard case .events(let response) = try await replay(#"{"from": \#(events.count + 1), "limit": 500}"#)
            else { throw HarnessError("replay failed") }
            events += response.events
            if events.count >= response.head || response.events.isEmpty { return (events, response.head) }
        }
    }
}

/// A SUB socket on an events endpoint, collecting everything it receives.
final class TestSubscriber: Sendable {
    let socket: OwnedSocket

    init(_ endpoint: String, security: SocketSecurity = .none) throws {
        socket = try OwnedSocket(
            context: ServiceHarness.context, kind: .sub,
            options: SocketOptions(subscriptions: [""], security: security), connect: [endpoint])
    }

    deinit { socket.close() }

    enum Message: Sendable {
        case event(topic: String, EventEnvelope)
        case heartbeat(Heartbeat)
        case welcome(log: String)
    }

    /// The next message, decoded; fails on anything that is not `[topic, JSON]` or the one-frame
    /// welcome, as documented.
    func next(timeout: Duration = .seconds(15)) async throws -> Message {
        let frames = try await socket.receive(timeout: timeout)
        if frames.count == 1, let log = Welcome.log(in: frames[0]) { return .welcome(log: log) }
        guard frames.count == 2 else { throw HarnessError("expected [topic, JSON], got \(frames.count) frames") }
        let topic = String(decoding: frames[0], as: UTF8.self)
        if topic == Topic.heartbeat { return .heartbeat(try EventCodec.decodeHeartbeat(frames[1]).get()) }
        return .event(topic: topic, try EventCodec.decode(frames[1]).get())
    }

    /// Receives until `done` says so, returning the events and heartbeats seen.
    func collect(
        timeout: Duration = .seconds(20), until done: ([EventEnvelope], [Heartbeat]) -> Bool
    ) async throws -> (events: [EventEnvelope], heartbeats: [Heartbeat]) {
        let deadline = ContinuousClock.now + timeout
        var events: [EventEnvelope] = []
        var heartbeats: [Heartbeat] = []
        while !done(events, heartbeats) {
            let remaining = deadline - .now
            guard remaining > .zero else {
                throw HarnessError(
                    "gave up after \(timeout): \(events.count) events, "
                        + "last heartbeat \(String(describing: heartbeats.last))"
                )
            }
            switch try await next(timeout: remaining) {
            case .event(let topic, let event):
                guard topic == Topic.event(event.type) else { throw HarnessError("topic \(topic) for \(event.type)") }
                events.append(event)
            case .heartbeat(let heartbeat):
                heartbeats.append(heartbeat)
            case .welcome:
                continue
            }
        }
        return (events, heartbeats)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Command request frames, written out as a client in another language would.
enum Wire {
    static func request(_ id: String, _ type: String, _ payload: String) -> String {
        #"{"command_id": "\#(id)", "type": "\#(type)", "schema_version": 1, "payload": \#(payload)}"#
    }

    static func createBatch(_ id: String, ref: String, sku: String, qty: Int, eta: String? = nil) -> String {
        request(
            id, "CreateBatch",
            #"{"ref": "\#(ref)", "sku": "\#(sku)", "qty": \#(qty), "eta": \#(eta.map { "\"\($0)\"" } ?? "null")}"#)
    }

    static func allocate(_ id: String, order: String, sku: String, qty: Int) -> String {
        request(id, "Allocate", #"{"orderid": "\#(order)", "sku": "\#(sku)", "qty": \#(qty)}"#)
    }
}
