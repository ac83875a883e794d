import Contracts
import Foundation
import Messaging
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The real `cosmic-command` executable, as a black box: started on a fresh database with free
/// ports, driven over its sockets and HTTP, stopped with signals.
@Suite struct CommandServiceProcessTests {
    @Test func servesCommandsAndExitsCleanlyOnSIGTERM() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let service = try await CommandProcess.launch(databaseURL: url)
            defer { service.kill() }
            let client = try Dealer(service.commandEndpoint)
            let created = try await client.commandWhenServing(Request.createBatch("c1", ref: "b1", sku: "LAMP", qty: 5))
            #expect(created == .ok(commandID: "c1", result: .batchCreated, position: 1))
            let allocated = try await client.send(Request.allocate("c2", order: "o1", sku: "LAMP", qty: 2))
            #expect(allocated == .ok(commandID: "c2", result: .allocated(to: "b1"), position: 2))
            #expect(try await client.send(Request.allocate("c2", order: "o1", sku: "LAMP", qty: 2)) == allocated)
            let bad = try await client.command("{not json")
            #expect(bad.error?.code == .badJSON)

            let health = try await eventually("health reports everything published") {
                let report = try await service.health()
                return report["unpublished"] as? Int == 0 && report["head"] as? Int == 2 ? report : nil
            }
            #expect(health["state"] as? String == "serving")
            #expect(health["relay_leader"] as? Bool == true)
            #expect(try await service.metrics().contains("cosmic_commands_total"))

            service.signal(SIGTERM)
            let status = try await service.waitForExit()
            #expect(status == 0, "\(service.log())")
            // A first start on a new database is not a fault: nothing read a table before the
            // migrations made it (the relay and the policy reactor wait for them).
            let complaints = service.log().split(separator: "\n").filter { line in
                let level = line.split(separator: " ").dropFirst().first ?? ""
                return ["warning", "error", "critical"].contains(level)
            }
            #expect(complaints.isEmpty, "\(complaints)")
        }
    }

    @Test func afterSIGKILLARestartPublishesEveryEventWithoutGaps() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let total: Int
            do {
                let service = try await CommandProcess.launch(databaseURL: url)
                defer { service.kill() }
                let setup = try Dealer(service.commandEndpoint)
                for product in 0..<4 {
                    let reply = try await setup.commandWhenServing(
                        Request.createBatch("c\(product)", ref: "b\(product)", sku: "S\(product)", qty: 1000))
                    #expect(reply.status == .ok)
                }
                let allocations = try await withThrowingTaskGroup(of: Int.self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            let client = try Dealer(service.commandEndpoint)
                            for order in 0..<15 {
                                let n = worker * 100 + order
                                let reply = try await client.send(
                                    Request.allocate("a\(n)", order: "o\(n)", sku: "S\(n % 4)", qty: 1))
                                guard reply.status == .ok else { throw ProcessTestError("\(reply)") }
                            }
                            return 15
                        }
                    }
                    return try await group.reduce(0, +)
                }
                total = 4 + allocations
                service.signal(SIGKILL)
                let status = try await service.waitForExit()
                #expect(status == SIGKILL)
            }

            let restarted = try await CommandProcess.launch(databaseURL: url)
            defer { restarted.kill() }
            let events = try Subscriber(restarted.eventsEndpoint)
            let heartbeat = try await events.heartbeat { $0.head >= total }
            #expect(heartbeat.head == total)
            let health = try await eventually("the backlog is published") {
                let report = try await restarted.health()
                return report["unpublished"] as? Int == 0 ? report : nil
            }
            #expect(health["published"] as? Int == total)

            let replay = try Dealer(restarted.replayEndpoint)
            var positions: [Int] = []
            var ids: Set<String> = []
            while positions.count < total {
                let frames = try await replay.exchange([Array(#"{"from": \#(positions.count + 1), "limit": 50}"#.utf8)])
                guard case .events(let response) = try ReplayCodec.decodeReply(frames[0]).get(),
                    !response.events.isEmpty
                else { throw ProcessTestError("replay stopped at \(positions.count)") }
                positions += response.events.map(\.position)
                ids.formUnion(response.events.compactMap(\.commandID))
            }
            #expect(positions == Array(1...total))
            #expect(ids.count == total)

            restarted.signal(SIGTERM)
            #expect(try await restarted.waitForExit() == 0, "\(restarted.log())")
        }
    }
}

/// One `cosmic-command` process on endpoints of its own: its sockets on `ipc://` paths in a folder
/// that only it uses (once it is stopped, nobody else can answer there), its HTTP server on a port
/// the system gives it, read back from its log. The folder also holds its log.
final class CommandProcess: Sendable {
    let commandEndpoint: String
    let eventsEndpoint: String
    let replayEndpoint: String
    let httpPort: Int
    private let child: ChildProcess
    private let folder: EndpointFolder

    /// Starts the service and waits until its sockets and HTTP server are bound.
    static func launch(databaseURL: String, arguments: [String] = []) async throws -> CommandProcess {
        try await CommandProcess(databaseURL: databaseURL, arguments: arguments)
    }

    private init(databaseURL: String, arguments: [String]) async throws {
        folder = try EndpointFolder()
        commandEndpoint = folder.endpoint("commands")
        eventsEndpoint = folder.endpoint("events")
        replayEndpoint = folder.endpoint("replay")
        child = try ChildProcess(
            "cosmic-command",
            arguments: [
                "--command-endpoint", commandEndpoint, "--events-endpoint", eventsEndpoint,
                "--replay-endpoint", replayEndpoint, "--http-address", "127.0.0.1:0", "--log-level", "info",
            ] + arguments,
            environment: ["COSMIC_DATABASE_URL": databaseURL],
            logFile: URL(fileURLWithPath: folder.file("cosmic-command.log")))
        // The sockets are bound before the HTTP server starts.
        httpPort = try await child.waitForHTTPPort()
    }

    deinit {
        child.kill()
        folder.remove()
    }

    func signal(_ signal: Int32) { child.signal(signal) }
    func kill() { child.kill() }
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await child.waitForExit(timeout: timeout)
    }
    func log() -> String { child.log() }
    func waitForLog(matching pattern: String) async throws -> [String] { try await child.waitForLog(matching: pattern) }

    func health() async throws -> [String: Any] {
        let data = try await get("/health")
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ProcessTestError("health is not a JSON object")
        }
        return object
    }

    func metrics() async throws -> String { String(decoding: try await get("/metrics"), as: UTF8.self) }

    private func get(_ path: String) async throws -> Data {
        try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(httpPort)\(path)")!).0
    }
}

let testContext: ZMQContext = try! ZMQContext()

/// A DEALER client, one request at a time.
final class Dealer: Sendable {
    let socket: OwnedSocket

    init(_ endpoint: String) throws {
        socket = try OwnedSocket(context: testContext, kind: .dealer, connect: [endpoint])
    }

    deinit { socket.close() }

    func exchange(_ frames: Frames, timeout: Duration = .seconds(15)) async throws -> Frames {
        try await socket.request(frames, timeout: timeout)
    }

    /// Sends one JSON frame and reads its reply, matched by command id: a late reply to an earlier
    /// request that timed out (e.g. in `commandWhenServing`) is skipped, never taken for this one's.
    func command(_ json: String, timeout: Duration = .seconds(15)) async throws -> CommandReply {
        let frame = Array(json.utf8)
        let frames = try await socket.request([frame], timeout: timeout, isReply: ReplyMatching.isReply(to: frame))
        guard frames.count == 1 else { throw ProcessTestError("\(frames.count) reply frames") }
        return try CommandCodec.decodeReply(frames[0]).get()
    }

    /// Sends `json` again (same command id) while the reply is a retryable error, as clients should.
    func send(_ json: String, attempts: Int = 10) async throws -> CommandReply {
        var reply = try await command(json)
        for _ in 1..<attempts where reply.error?.retryable == true {
            reply = try await command(json)
        }
        return reply
    }

    /// Sends `json` until the service has started and answers something other than `unavailable`
    /// (while it migrates its schema it says so); safe because a retry reuses the command id.
    func commandWhenServing(_ json: String) async throws -> CommandReply {
        try await eventually("cosmic-command serves", timeout: .seconds(60), interval: .milliseconds(100)) {
            let reply = try await self.command(json, timeout: .seconds(15))
            return reply.error?.code == .unavailable ? nil : reply
        }
    }
}

/// A SUB socket on the events endpoint.
final class Subscriber: Sendable {
    let socket: OwnedSocket

    init(_ endpoint: String) throws {
        socket = try OwnedSocket(
            context: testContext, kind: .sub, options: SocketOptions(subscriptions: [""]), connect: [endpoint])
    }

    deinit { socket.close() }

    /// The first heartbeat that satisfies `condition`.
    func heartbeat(timeout: Duration = .seconds(60), _ condition: (Heartbeat) -> Bool) async throws -> Heartbeat {
        let deadline = ContinuousClock.now + timeout
        while true {
            let frames = try await socket.receive(timeout: deadline - .now)
            guard frames.count == 2, String(decoding: frames[0], as: UTF8.self) == Topic.heartbeat else { continue }
            let heartbeat = try EventCodec.decodeHeartbeat(frames[1]).get()
            if condition(heartbeat) { return heartbeat }
        }
    }
}

/// Command requests written out as JSON, as a client in any language would.
enum Request {
    static func createBatch(_ id: String, ref: String, sku: String, qty: Int) -> String {
        #"{"command_id": "\#(id)", "type": "CreateBatch", "#
            + #""payload": {"ref": "\#(ref)", "sku": "\#(sku)", "qty": \#(qty), "eta": null}}"#
    }

    static func allocate(_ id: String, order: String, sku: String, qty: Int) -> String {
        #"{"command_id": "\#(id)", "type": "Allocate", "#
            + #""payload": {"orderid": "\#(order)", "sku": "\#(sku)", "qty": \#(qty)}}"#
    }
}

struct ProcessTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ChildProcess {
    /// The port of the HTTP server the service started with `--http-address 127.0.0.1:0`, from the
    /// line both services log once it listens (`address=http://127.0.0.1:PORT … HTTP listening`).
    func waitForHTTPPort() async throws -> Int {
        let captures = try await waitForLog(matching: #"address=http://[^ ]*:([0-9]+) .*HTTP listening"#)
        guard let port = captures.first.flatMap({ Int($0) }) else {
            throw ProcessTestError("\(name) logged no port:\n\(log())")
        }
        return port
    }
}
