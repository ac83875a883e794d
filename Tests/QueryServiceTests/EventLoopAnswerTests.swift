import Contracts
import Foundation
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import TestSupport
import Testing

@testable import QueryService

/// Reads answered on the event loop (`EventLoopAnswer`): the same bytes as the router's answer,
/// every request it does not answer passed on to the router unchanged, and the connection's idle
/// timeout kept over both.
/// `EmbeddedChannel` may only be used from the thread that made it, and an async test resumes on any
/// of the pool's threads after an `await` (NIO logged "API misuse" for these tests, and says it will
/// trap): so each test that makes one runs on a thread of its own, its child tasks included.
private func withSandboxOnOneThread(_ body: (Sandbox) async throws -> Void) async throws {
    let executor = OwnThreadExecutor(name: "embedded-channel")
    defer { executor.shutdown() }
    try await withTaskExecutorPreference(executor) { try await withSandbox(body) }
}

@Suite struct EventLoopAnswerTests {
    /// History.mixed, plus an order of two lines and one whose SKU `JSONEncoder` escapes.
    static let history =
        History.mixed + [
            History.batch("batch-100", "AAA-LAMP", 10), History.allocated("order-9", "AAA-LAMP", 1, "batch-100"),
            History.allocated("order-9", "SMALL-TABLE", 1, "batch-002"),
            History.batch("b 1", "RED CHAIR/XL", 5), History.allocated("order-10", "RED CHAIR/XL", 2, "b 1"),
        ]

    @Test func aFoundOrderIsAnsweredOnTheEventLoopWithTheRoutersBytes() async throws {
        try await withSandboxOnOneThread { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("fast.sqlite")))
            for orderid in ["order-4", "order-9"] {
                let channel = try Self.channel(model)
                try Self.send(Self.get("/allocations/\(orderid)"), to: channel)
                #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil, "passed to the router")

                let (checkpoint, lines) = try await model.allocations(orderid: orderid)
                guard let answer = try Self.written(channel) else {
                    Issue.record("no answer for \(orderid)")
                    continue
                }
                let reply = try HTTPClient.parse(Data(answer.readableBytesView))
                let routed = APIJSON.response(json: try APIJSON.data(lines), checkpoint: checkpoint)
                #expect(reply.status == 200)
                #expect(reply.body == (try APIJSON.data(lines)))
                for name in [HTTPField.Name.contentType, .cacheControl, .checkpoint] {
                    #expect(reply.headers[name.canonicalName] == routed.headers[name], "\(name)")
                }
                #expect(reply.headers["content-length"] == String(reply.body.count))
                #expect(reply.headers["date"]?.hasSuffix(" GMT") == true)
                // Byte for byte what NIO's encoder writes for the same head and body.
                #expect(answer == (try Self.encoded(reply)))
                #expect(lines.count == (orderid == "order-9" ? 2 : 1))
                _ = try channel.finish()
            }
        }
    }

    @Test func everythingElseGoesToTheRouterUnchanged() async throws {
        try await withSandboxOnOneThread { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("slow.sqlite")))
            var close = Self.get("/allocations/order-4")
            close.headers.add(name: "Connection", value: "close")
            var badHeader = Self.get("/allocations/order-4")
            badHeader.headers.add(name: "X-Min-Position", value: "soon")
            var dashboardWaiting = Self.get("/api/dashboard")
            dashboardWaiting.headers.add(name: "X-Min-Position", value: "3")
            var post = Self.get("/allocations/order-4")
            post.method = .POST
            var old = Self.get("/allocations/order-4")
            old.version = .http1_0  // not kept alive unless asked
            var shouting = Self.get("/allocations/order-4")
            shouting.headers.add(name: "Connection", value: "keep-alive, Close")
            var oldKeptAlive = old
            oldKeptAlive.headers.add(name: "Connection", value: "keep-alive")
            let requests = [
                Self.get("/allocations/order-1"),  // no lines: the router's 404
                Self.get("/allocations/order-10"),  // an SKU JSONEncoder escapes
                Self.get("/allocations/order-4?min_position=03"), Self.get("/allocations/order-4?min_position=3&x=1"),
                Self.get("/allocations/order-4?x=1"), Self.get("/allocations/order-4?min_position=-1"),
                Self.get("/api/dashboard?min_position=3"), Self.get("/allocations/order%2D4"),
                Self.get("/allocations/order-4#top"), Self.get("/allocations/order-4/more"),
                Self.get("/allocations/"), Self.get("/allocations/" + String(repeating: "a", count: 101)),
                Self.get("/stock/SMALL-TABLE"), close, shouting, badHeader, dashboardWaiting, post, old, oldKeptAlive,
            ]
            for request in requests {
                let channel = try Self.channel(model)
                try Self.send(request, to: channel)
                // Unchanged, but that a request that keeps no connection says so as the router reads
                // it: `Connection: close`.
                var routed = request
                if !request.isKeepAlive { routed.headers.replaceOrAdd(name: "Connection", value: "close") }
                #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .head(routed), "\(request)")
                #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .end(nil))
                #expect(try Self.written(channel) == nil, "\(request)")
                _ = try channel.finish()
            }
        }
    }

    /// The router's answer to one request must go out before anything answers the next.
    @Test func whileTheRouterAnswersTheEventLoopDoesNot() async throws {
        try await withSandboxOnOneThread { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("order.sqlite")))
            let channel = try Self.channel(model)
            try Self.send(Self.get("/allocations/order-1"), to: channel)
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) != nil)
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .end(nil))

            // The router has not answered yet: the next lookup goes to it too.
            try Self.send(Self.get("/allocations/order-4"), to: channel)
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .head(Self.get("/allocations/order-4")))
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .end(nil))

            // Both answered: the event loop answers the next one.
            for _ in 0..<2 { try Self.answer(channel) }
            _ = try Self.written(channel)
            try Self.send(Self.get("/allocations/order-4"), to: channel)
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
            guard let answer = try Self.written(channel) else {
                Issue.record("not answered on the event loop")
                return
            }
            #expect(try HTTPClient.parse(Data(answer.readableBytesView)).status == 200)
            _ = try channel.finish()
        }
    }

    /// A GET with a body is unusual but allowed: the router gets all of it, in order.
    @Test func aRequestWithABodyGoesToTheRouterWhole() async throws {
        try await withSandboxOnOneThread { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("body.sqlite")))
            let channel = try Self.channel(model)
            let body = ByteBuffer(string: "{}")
            try channel.writeInbound(HTTPServerRequestPart.head(Self.get("/allocations/order-4")))
            try channel.writeInbound(HTTPServerRequestPart.body(body))
            try channel.writeInbound(HTTPServerRequestPart.end(nil))
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .head(Self.get("/allocations/order-4")))
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .body(body))
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .end(nil))
            #expect(try Self.written(channel) == nil)
            _ = try channel.finish()
        }
    }

    /// The idle timeout counts from the last request part read or answer finished, whichever path
    /// answered: a connection busy with lookups answered here stays open.
    @Test func aConnectionIsClosedOnlyAfterTheIdleTimeoutWithoutRequests() async throws {
        try await withSandboxOnOneThread { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("idle.sqlite")))
            let channel = try Self.channel(model, idleTimeout: .seconds(10))
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).get()
            for _ in 0..<3 {
                channel.embeddedEventLoop.advanceTime(by: .seconds(6))
                try Self.send(Self.get("/allocations/order-4"), to: channel)
                #expect(channel.isActive)
            }
            channel.embeddedEventLoop.advanceTime(by: .seconds(9))
            #expect(channel.isActive)
            channel.embeddedEventLoop.advanceTime(by: .seconds(2))
            #expect(!channel.isActive, "idle for 11 s")
        }
    }

    /// A routed answer being written (a live stream) keeps the connection however long it lasts.
    @Test func aRoutedAnswerInProgressKeepsTheConnection() async throws {
        try await withSandboxOnOneThread { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("stream.sqlite")))
            let channel = try Self.channel(model, idleTimeout: .seconds(10))
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).get()
            try Self.send(Self.get("/events/stream"), to: channel)
            try channel.writeOutbound(
                HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
            channel.embeddedEventLoop.advanceTime(by: .seconds(60))
            #expect(channel.isActive)
            try channel.writeOutbound(HTTPServerResponsePart.end(nil))
            channel.embeddedEventLoop.advanceTime(by: .seconds(9))
            #expect(channel.isActive)
            channel.embeddedEventLoop.advanceTime(by: .seconds(2))
            #expect(!channel.isActive)
        }
    }

    /// The dashboard from the cache's last whole answer; when the cache is behind the checkpoint,
    /// the router reads it afresh.
    @Test func theDashboardIsAnsweredFromTheCacheWhenItIsNewEnough() async throws {
        try await withSandboxOnOneThread { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("dash.sqlite")))
            let json = ByteBuffer(string: #"{"checkpoint":7}"#)
            let cached = try Self.channel(model, dashboard: { (7, json) })
            try Self.send(Self.get("/api/dashboard"), to: cached)
            #expect(try cached.readInbound(as: HTTPServerRequestPart.self) == nil)
            guard let answer = try Self.written(cached) else {
                Issue.record("not answered on the event loop")
                return
            }
            let reply = try HTTPClient.parse(Data(answer.readableBytesView))
            #expect(reply.headers["x-checkpoint"] == "7" && reply.body == Data(json.readableBytesView))
            _ = try cached.finish()

            let behind = try Self.channel(model, dashboard: { nil })
            try Self.send(Self.get("/api/dashboard"), to: behind)
            #expect(try behind.readInbound(as: HTTPServerRequestPart.self) == .head(Self.get("/api/dashboard")))
            _ = try behind.finish()
        }
    }

    /// Over the real server, the dashboard answered on the event loop is the router's, byte for byte.
    @Test func theDashboardOnTheEventLoopIsTheRoutersAnswer() async throws {
        try await Self.withCaughtUpService { service in
            // The router fills the cache (Connection: close), then a kept-alive request is
            // answered from it, then the router again for a request it must answer.
            let routed = try await service.get("/api/dashboard")
            let replies = try await HTTPClient.keptAlive(port: service.port, ["/api/dashboard"])
            let waited = try await service.get("/api/dashboard?min_position=1")
            #expect(routed.status == 200 && replies.first?.status == 200)
            // The same, but for the apply rate, which moves with the clock between requests.
            func withoutRate(_ body: Data?) throws -> NSDictionary {
                var object = try #require(
                    try JSONSerialization.jsonObject(with: body ?? Data()) as? [String: Any])
                var sync = try #require(object["sync"] as? [String: Any])
                #expect(sync.removeValue(forKey: "apply_rate") != nil)
                object["sync"] = sync
                return object as NSDictionary
            }
            #expect(try withoutRate(replies.first?.body) == withoutRate(routed.body))
            #expect(try withoutRate(waited.body) == withoutRate(routed.body))
            let metrics = try await service.get("/metrics").text
            #expect(metrics.contains("\ncosmic_query_event_loop_answers_total 1\n"), "\(metrics)")
        }
    }

    /// Over the real server: lookups on one kept-alive connection, the event loop's answers and
    /// the router's interleaved, each answered in order and the connection still open after them.
    @Test func aKeptAliveConnectionGetsEveryAnswerInOrder() async throws {
        try await Self.withCaughtUpService { service in
            let paths = [
                "/allocations/order-4", "/allocations/order-1", "/allocations/order-9?min_position=1",
                "/allocations/order-9", "/allocations/order-10", "/allocations/order-4",
            ]
            let replies = try await HTTPClient.keptAlive(port: service.port, paths)
            #expect(replies.map(\.status) == [200, 404, 200, 200, 200, 200])
            #expect(replies[0].text == #"[{"batchref":"batch-002","sku":"SMALL-TABLE"}]"#)
            #expect(replies[5].body == replies[0].body)
            #expect(replies[2].body == replies[3].body)
            #expect(replies[4].text == #"[{"batchref":"b 1","sku":"RED CHAIR\/XL"}]"#)
            #expect(replies.allSatisfy { $0.headers["date"] != nil })
            let checkpoint = "\(Self.history.count)"
            #expect(replies.filter { $0.status == 200 }.allSatisfy { $0.headers["x-checkpoint"] == checkpoint })
            // The first on the event loop (nothing was in flight then); the later ones that
            // could be came while the router's answers to earlier ones were pending, or not,
            // as the requests happened to arrive.
            let metrics = try await service.get("/metrics").text
            let answered = metrics.split(separator: "\n").first {
                $0.hasPrefix("cosmic_query_event_loop_answers_total ")
            }
            #expect(
                (answered?.split(separator: " ").last).flatMap { Int($0) }.map { (1...3).contains($0) } == true)
        }
    }

    /// Read-your-writes already satisfied: the same answer on the event loop as without it.
    @Test func aLookupAtAReachedPositionIsAnsweredOnTheEventLoop() async throws {
        try await withSandboxOnOneThread { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("ryw.sqlite")))
            var header = Self.get("/allocations/order-4")
            header.headers.add(name: "X-Min-Position", value: "3")
            var both = Self.get("/allocations/order-4?min_position=2")
            both.headers.add(name: "X-Min-Position", value: "\(Self.history.count)")
            var plainAnswer: ByteBuffer?
            for request in [
                Self.get("/allocations/order-4"), Self.get("/allocations/order-4?min_position=3"), header, both,
            ] {
                let channel = try Self.channel(model)
                try Self.send(request, to: channel)
                #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil, "\(request)")
                let answer = try #require(try Self.written(channel))
                let reply = try HTTPClient.parse(Data(answer.readableBytesView))
                #expect(reply.status == 200)
                if let plainAnswer {
                    #expect(reply.body == (try HTTPClient.parse(Data(plainAnswer.readableBytesView))).body)
                } else {
                    plainAnswer = answer
                }
                _ = try channel.finish()
            }
        }
    }

    /// A lookup ahead of the checkpoint waits on the event loop, answered by the commit that gets
    /// there; a request pipelined behind it waits its turn.
    @Test func aLookupAheadOfTheCheckpointWaitsForItOnTheEventLoop() async throws {
        try await withSandboxOnOneThread { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("wait.sqlite")))
            let sync = Self.caughtUp(3)
            let metrics = QueryMetrics()
            let channel = try Self.channel(model, sync: sync, metrics: metrics)
            let reads = Reads()
            try channel.pipeline.syncOperations.addHandler(reads, position: .first)
            try Self.send(Self.get("/allocations/order-9?min_position=\(Self.history.count)"), to: channel)
            try Self.send(Self.get("/allocations/order-4"), to: channel)
            channel.embeddedEventLoop.run()
            #expect(try Self.written(channel) == nil, "answered before the checkpoint got there")
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
            // No more reading of the socket while a lookup waits; the read asked for meanwhile
            // goes out once it is answered.
            channel.read()
            #expect(reads.count == 0)

            sync.update { $0.checkpoint = Self.history.count - 1 }
            channel.embeddedEventLoop.run()
            #expect(try Self.written(channel) == nil, "answered one position early")

            sync.update { $0.checkpoint = Self.history.count }
            channel.embeddedEventLoop.run()
            let answers = try HTTPClient.responses(Data(try #require(try Self.written(channel)).readableBytesView))
            #expect(answers.map(\.status) == [200, 200])
            #expect(answers.first?.text.contains("batch-100") == true, "order-9 first")
            #expect(answers.last?.text == #"[{"batchref":"batch-002","sku":"SMALL-TABLE"}]"#)
            #expect(reads.count == 1)
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
            let text = metrics.exposition()
            #expect(text.contains("cosmic_query_reads_waited_total 1\n"), "\(text)")
            #expect(text.contains("cosmic_query_event_loop_answers_total 2\n"), "\(text)")
            _ = try channel.finish()
        }
    }

    /// A wait that runs out is the router's `stale_read`; one for an order without lines goes to
    /// the router once the checkpoint is there (its 404 says as of which position).
    @Test func aWaitThatRunsOutIsAStaleReadAndAMissingOrderGoesToTheRouter() async throws {
        try await withSandboxOnOneThread { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("stale.sqlite")))
            let sync = Self.caughtUp(3)
            let metrics = QueryMetrics()
            let channel = try Self.channel(model, sync: sync, maxWait: .seconds(2), metrics: metrics)
            try Self.send(Self.get("/allocations/order-4?min_position=1000"), to: channel)
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(1999))
            #expect(try Self.written(channel) == nil)
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
            let answer = try #require(try Self.written(channel))
            let reply = try HTTPClient.parse(Data(answer.readableBytesView))
            let routed = APIError.stale(required: 1000, checkpoint: 3, waited: .seconds(2))
            #expect(reply.status == 503)
            #expect(reply.body == routed.body())
            #expect(reply.headers["retry-after"] == "1")
            #expect(reply.headers["content-type"] == "application/json; charset=utf-8")
            #expect(reply.headers["cache-control"] == "no-store")
            #expect(reply.headers["content-length"] == String(reply.body.count))
            #expect(metrics.exposition().contains("cosmic_query_stale_reads_total 1\n"))

            let missing = Self.get("/allocations/order-1?min_position=5")
            try Self.send(missing, to: channel)
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
            let completes = ReadCompletes()
            try channel.pipeline.syncOperations.addHandler(completes)
            sync.update { $0.checkpoint = 5 }
            channel.embeddedEventLoop.run()
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .head(missing))
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .end(nil))
            // Passed on outside a read of the socket, so with a read-complete of its own:
            // Hummingbird hands a request to the router only on one.
            #expect(completes.count == 1)
            #expect(try Self.written(channel) == nil)
            _ = try channel.finish()
        }
    }

    /// A connection that closes while its lookup waits leaves nothing waiting behind.
    @Test func aClosedConnectionWithdrawsItsWait() async throws {
        try await withSandboxOnOneThread { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("gone.sqlite")))
            let sync = Self.caughtUp(3)
            let channel = try Self.channel(model, idleTimeout: .seconds(10), sync: sync)
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).get()
            try Self.send(Self.get("/allocations/order-4?min_position=10"), to: channel)
            // Waiting is not idleness.
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            #expect(channel.isActive)
            #expect(sync.pendingWaits == 1)
            try await channel.close()
            #expect(sync.pendingWaits == 0)
            sync.update { $0.checkpoint = Self.history.count }
            channel.embeddedEventLoop.run()
            #expect(try Self.written(channel) == nil)
        }
    }

    /// A query service on a fresh database, caught up on `history` from a fake upstream.
    static func withCaughtUpService(_ body: @Sendable (RunningService) async throws -> Void) async throws {
        try await withSandboxOnOneThread { sandbox in
            try await withUpstream { upstream in
                upstream.append(history)
                try await withService(testConfiguration(upstream, database: sandbox.path("caught-up.sqlite"))) {
                    service in
                    try await service.waitForCheckpoint(history.count)
                    try await body(service)
                }
            }
        }
    }

    static func get(_ uri: String) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: ["Host": "127.0.0.1"])
    }

    static func send(_ request: HTTPRequestHead, to channel: EmbeddedChannel) throws {
        try channel.writeInbound(HTTPServerRequestPart.head(request))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
    }

    /// The router's answer, as it passes this handler on its way out.
    static func answer(_ channel: EmbeddedChannel) throws {
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .notFound)))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
    }

    /// The answerer behind NIO's HTTP/1 response encoder, as in the server's pipeline. `sync` says
    /// where the subscriber stands (by default: at the end of `history`, as the store is).
    static func channel(
        _ model: ReadModel, idleTimeout: TimeAmount? = nil,
        dashboard: @escaping @Sendable () -> (checkpoint: Int, json: ByteBuffer)? = { nil },
        sync: SyncState = caughtUp(), maxWait: Duration = .seconds(2), metrics: QueryMetrics = QueryMetrics()
    ) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(HTTPResponseEncoder())
        try channel.pipeline.syncOperations.addHandler(
            EventLoopAnswer(
                readModel: model, dashboard: dashboard, metrics: metrics,
                readYourWrites: ReadYourWrites(sync: sync, maxWait: maxWait, metrics: metrics),
                idleTimeout: idleTimeout))
        return channel
    }

    /// A sync state at `checkpoint` (by default the end of `history`).
    static func caughtUp(_ checkpoint: Int = history.count) -> SyncState {
        let sync = SyncState()
        sync.update { $0.checkpoint = checkpoint }
        return sync
    }

    /// Every byte written towards the socket so far, or nil when there is none.
    static func written(_ channel: EmbeddedChannel) throws -> ByteBuffer? {
        var all: ByteBuffer?
        while case .byteBuffer(var part) = try channel.readOutbound(as: IOData.self) {
            if all == nil { all = part } else { all!.writeBuffer(&part) }
        }
        return all
    }

    /// What NIO's encoder writes for a lookup's 200 with the headers and body of `reply`, in the
    /// order the fast path writes them.
    static func encoded(_ reply: HTTPClient.Reply) throws -> ByteBuffer? {
        let channel = EmbeddedChannel(handler: HTTPResponseEncoder())
        let names = ["Content-Type", "Cache-Control", "X-Checkpoint", "Content-Length", "Date"]
        let headers = HTTPHeaders(names.map { ($0, reply.headers[$0.lowercased()] ?? "") })
        try channel.writeOutbound(
            HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)))
        try channel.writeOutbound(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: reply.body))))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        defer { _ = try? channel.finish() }
        return try written(channel)
    }
}

/// Counts the read-completes that reach the end of the pipeline.
private final class ReadCompletes: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    private(set) var count = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.fireChannelRead(data) }

    func channelReadComplete(context: ChannelHandlerContext) {
        count += 1
        context.fireChannelReadComplete()
    }
}

/// Counts the reads of the socket asked for through the pipeline.
private final class Reads: ChannelOutboundHandler {
    typealias OutboundIn = Any
    private(set) var count = 0

    func read(context: ChannelHandlerContext) {
        count += 1
        context.read()
    }
}
