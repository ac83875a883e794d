import Contracts
import Foundation
import QueryService
import Synchronization
import TestSupport
import Testing

/// The HTTP API against the real server on a free port.
@Suite struct HTTPTests {
    @Test func readsAnswerInTheBooksShapeAndSayHowFreshTheyAre() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(History.mixed)
                try await withService(testConfiguration(upstream, database: sandbox.path("http.sqlite"))) { service in
                    try await service.waitForCheckpoint(History.mixed.count)

                    let order = try await service.get("/allocations/order-4")
                    #expect(order.status == 200)
                    #expect(order.headers["content-type"]?.hasPrefix("application/json") == true)
                    #expect(order.headers["x-checkpoint"] == "16")
                    #expect(
                        try order.json() as? [[String: String]] == [["sku": "SMALL-TABLE", "batchref": "batch-002"]])

                    let none = try await service.get("/allocations/order-1")
                    #expect(none.status == 404)
                    #expect(try Self.errorCode(none) == "not_found")

                    let stock = try await service.get("/stock/SMALL-TABLE")
                    #expect(stock.status == 200)
                    let body = try stock.object()
                    #expect(body["purchased"] as? Int == 62)
                    #expect(body["allocated"] as? Int == 15)
                    #expect(body["available"] as? Int == 47)
                    let batches = try #require(body["batches"] as? [[String: Any]])
                    #expect(batches.map { $0["ref"] as? String } == ["batch-001", "batch-002"])
                    #expect(batches[1]["eta"] as? String == "2026-12-01")
                    #expect(try Self.errorCode(await service.get("/stock/NOPE")) == "not_found")

                    let dashboard = try await service.get("/api/dashboard").object()
                    #expect(dashboard["checkpoint"] as? Int == 16)
                    #expect(dashboard["head"] as? Int == 16)
                    #expect(dashboard["lag"] as? Int == 0)
                    let totals = try #require(dashboard["totals"] as? [String: Any])
                    #expect(totals["skus"] as? Int == 2)
                    #expect(totals["available"] as? Int == 47)
                    #expect(totals["out_of_stock"] as? Int == 2)
                    #expect((dashboard["skus"] as? [[String: Any]])?.first?["sku"] as? String == "BLUE-VASE")
                    #expect((dashboard["events_per_minute"] as? [Any])?.count == 60)
                    #expect((dashboard["recent_out_of_stock"] as? [Any])?.count == 2)
                    #expect((dashboard["sync"] as? [String: Any])?["state"] as? String == "live")
                }
            }
        }
    }

    /// The dashboard's data is encoded once per checkpoint and spliced with the sync state: the bytes
    /// are JSONEncoder's for the whole view, and new events show at once.
    @Test func theDashboardIsTheEncodedViewAndFollowsTheCheckpoint() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(History.mixed)
                try await withService(testConfiguration(upstream, database: sandbox.path("cache.sqlite"))) { service in
                    try await service.waitForCheckpoint(History.mixed.count)
                    let encoder = JSONEncoder()
                    encoder.keyEncodingStrategy = .convertToSnakeCase
                    encoder.outputFormatting = [.sortedKeys]
                    let decoder = JSONDecoder()
                    decoder.keyDecodingStrategy = .convertFromSnakeCase
                    for _ in 0..<2 {  // a fresh encoding, then the cached one
                        let reply = try await service.get("/api/dashboard")
                        let view = try decoder.decode(DashboardView.self, from: reply.body)
                        #expect(try encoder.encode(view) == reply.body)
                        #expect(view.checkpoint == History.mixed.count && view.totals.events == History.mixed.count)
                    }
                    upstream.append([History.allocated("order-9", "SMALL-TABLE", 1, "batch-002")])
                    try await service.waitForCheckpoint(History.mixed.count + 1)
                    let after = try decoder.decode(
                        DashboardView.self, from: try await service.get("/api/dashboard").body)
                    #expect(after.checkpoint == History.mixed.count + 1)
                    #expect(after.totals.allocations == 4 && after.recentActivity.first?.orderid == "order-9")
                }
            }
        }
    }

    @Test func identifiersArePercentDecodedAndValidated() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append([
                    History.batch("b 1", "RED CHAIR/XL", 5), History.allocated("order é/1", "RED CHAIR/XL", 2, "b 1"),
                ])
                try await withService(testConfiguration(upstream, database: sandbox.path("ids.sqlite"))) { service in
                    try await service.waitForCheckpoint(2)
                    let order = try await service.get("/allocations/order%20%C3%A9%2F1")
                    #expect(order.status == 200)
                    #expect(try order.json() as? [[String: String]] == [["sku": "RED CHAIR/XL", "batchref": "b 1"]])
                    #expect(try await service.get("/stock/RED%20CHAIR%2FXL").status == 200)

                    let long = try await service.get("/allocations/" + String(repeating: "a", count: 101))
                    #expect(long.status == 400)
                    #expect(try Self.errorCode(long) == "invalid_parameter")
                    #expect(
                        try long.object()["error"].flatMap { $0 as? [String: Any] }?["field"] as? String == "orderid")
                    #expect(try Self.errorCode(await service.get("/allocations/a%00b")) == "invalid_parameter")
                    #expect(try Self.errorCode(await service.get("/allocations/%E9")) == "invalid_parameter")
                }
            }
        }
    }

    @Test func unknownPathsAndMethodsGetJSONErrors() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                try await withService(testConfiguration(upstream, database: sandbox.path("errors.sqlite"))) { service in
                    let missing = try await service.get("/no/such/thing")
                    #expect(missing.status == 404)
                    #expect(missing.headers["content-type"]?.hasPrefix("application/json") == true)
                    #expect(try Self.errorCode(missing) == "not_found")
                    let empty = try await service.get("/allocations/")
                    #expect(empty.status == 404 || empty.status == 400)
                    #expect(try Self.errorCode(empty) != nil)
                    // A known path with another method: 405, the methods it answers in Allow.
                    for (method, path) in [
                        ("POST", "/allocations/x"), ("DELETE", "/stock/LAMP"), ("PUT", "/api/dashboard"),
                        ("HEAD", "/health"), ("PATCH", "/invoices/ACME/A-1"), ("OPTIONS", "/"),
                    ] {
                        let reply = try await HTTPClient.raw(
                            port: service.port, requestLine: "\(method) \(path) HTTP/1.1")
                        #expect(reply.status == 405, "\(method) \(path)")
                        #expect(reply.headers["allow"] == "GET", "\(method) \(path)")
                        if method != "HEAD" {
                            #expect(try Self.errorCode(reply) == "method_not_allowed", "\(method) \(path)")
                        }
                    }
                    // What the HTTP parser refuses is answered in JSON too: 431 for headers over the
                    // limit, 400 for anything that is not HTTP/1.1.
                    let hugeHeader =
                        "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n\r\n"
                    for (request, status) in [
                        (hugeHeader, 431), ("GARBAGE\r\n\r\n", 400), ("GET /health HTTP/9.9\r\nHost: x\r\n\r\n", 400),
                        ("GET /health HTTP/1.1\r\nBad Header: x\r\n\r\n", 400),
                        ("GET /health HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
                    ] {
                        let reply = try await HTTPClient.sendRaw(port: service.port, request)
                        #expect(reply.status == status, "\(request.prefix(40))")
                        #expect(reply.headers["content-type"]?.hasPrefix("application/json") == true)
                        #expect(try Self.errorCode(reply) == "bad_request", "\(request.prefix(40))")
                    }
                    // HTTP/1.0 is answered, and the connection closed after the answer unless the
                    // request asks to keep it (`sendRaw` reads until the server closes).
                    let old = try await HTTPClient.sendRaw(port: service.port, "GET /no/such/thing HTTP/1.0\r\n\r\n")
                    #expect(old.status == 404)
                    #expect(try Self.errorCode(old) == "not_found")
                    // `Connection: close` is a token, in any case, among others.
                    let shouting = try await HTTPClient.sendRaw(
                        port: service.port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: TE, Close\r\n\r\n")
                    #expect(shouting.status == 200 || shouting.status == 503)
                    #expect(try await service.get("/health").status != 404, "the service still serves")
                    let unknown = try await HTTPClient.raw(
                        port: service.port, requestLine: "POST /no/such/thing HTTP/1.1")
                    #expect(unknown.status == 404)
                    #expect(try Self.errorCode(unknown) == "not_found")
                }
            }
        }
    }

    @Test func minPositionWaitsForTheProjectionThenAnswers() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                var configuration = testConfiguration(upstream, database: sandbox.path("ryw.sqlite"))
                configuration.readYourWritesMaxWait = .seconds(20)  // ample: the reads return once applied
                try await withService(configuration) { service in
                    try await liveTraffic(upstream, service)
                    let head = upstream.head
                    // The read asks for a position that does not exist yet; the command lands meanwhile.
                    async let read = service.get("/allocations/ryw-order?min_position=\(head + 2)")
                    async let viaHeader = service.get("/stock/RYW", headers: ["X-Min-Position": "\(head + 2)"])
                    // Kept alive, the lookup waits on the event loop (EventLoopAnswer), and those
                    // pipelined behind it wait their turn; one for an order without lines goes on
                    // to the router once the wait is over, as does a waiting one.
                    async let keptAlive = HTTPClient.keptAlive(
                        port: service.port,
                        [
                            "/allocations/ryw-order?min_position=\(head + 2)", "/allocations/ryw-order",
                            "/allocations/no-such-order",
                        ])
                    async let missing = HTTPClient.keptAlive(
                        port: service.port, ["/allocations/no-such-order?min_position=\(head + 2)"])
                    _ = try await eventually("the four reads are waiting") {
                        let text = try await service.get("/metrics").text
                        return text.contains("cosmic_query_reads_waited_total 4") ? true : nil
                    }
                    upstream.append([
                        History.batch("ryw-batch", "RYW", 3), History.allocated("ryw-order", "RYW", 1, "ryw-batch"),
                    ])
                    let (first, second, fast, notFound) = try await (read, viaHeader, keptAlive, missing)
                    #expect(first.status == 200)
                    #expect(Int(first.headers["x-checkpoint"] ?? "") ?? 0 >= head + 2)
                    #expect(try first.json() as? [[String: String]] == [["sku": "RYW", "batchref": "ryw-batch"]])
                    #expect(second.status == 200)
                    #expect(try second.object()["allocated"] as? Int == 1)
                    #expect(fast.map(\.status) == [200, 200, 404])
                    #expect(fast[0].body == first.body && fast[1].body == first.body)
                    #expect(notFound.map(\.status) == [404])
                    #expect(Int(fast.first?.headers["x-checkpoint"] ?? "") ?? 0 >= head + 2)
                }
            }
        }
    }

    @Test func minPositionBeyondReachAnswersStaleAfterTheBoundedWait() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(History.mixed)
                var configuration = testConfiguration(upstream, database: sandbox.path("stale.sqlite"))
                configuration.readYourWritesMaxWait = .milliseconds(300)
                try await withService(configuration) { service in
                    try await service.waitForCheckpoint(16)
                    let started = ContinuousClock.now
                    let stale = try await service.get("/allocations/order-2?min_position=1000")
                    #expect(ContinuousClock.now - started >= .milliseconds(300))
                    #expect(stale.status == 503)
                    #expect(stale.headers["retry-after"] == "1")
                    #expect(try Self.errorCode(stale) == "stale_read")
                    #expect(try stale.object()["checkpoint"] as? Int == 16)
                    #expect(try stale.object()["min_position"] as? Int == 1000)
                    // The same answer from the event loop, where a kept-alive lookup waits; the
                    // router then answers the request pipelined behind it.
                    let fast = try await HTTPClient.keptAlive(
                        port: service.port, ["/allocations/order-2?min_position=1000", "/allocations/order-1"])
                    #expect(fast.map(\.status) == [503, 404])
                    #expect(fast.first?.body == stale.body)
                    for name in ["content-type", "cache-control", "retry-after"] {
                        #expect(fast.first?.headers[name] == stale.headers[name], "\(name)")
                    }

                    // Already there: no wait at all.
                    #expect(try await service.get("/allocations/order-2?min_position=16").status == 200)
                    #expect(try await service.get("/api/dashboard?min_position=0").status == 200)

                    // Plain digits only: no sign, no spaces, no leading zeros (`%2B` is `+`, `%20` a space).
                    for bad in ["-1", "abc", "1.5", "99999999999999999999", "", "%2B1", "%201", "1%20", "00001", "01"] {
                        let reply = try await service.get("/allocations/order-2?min_position=\(bad)")
                        #expect(reply.status == 400, "min_position=\(bad)")
                        #expect(try Self.errorCode(reply) == "invalid_parameter")
                    }
                    let header = try await service.get("/stock/BLUE-VASE", headers: ["X-Min-Position": "soon"])
                    #expect(header.status == 400)
                }
            }
        }
    }

    @Test func healthAndMetricsReportTheSyncState() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(History.mixed)
                var configuration = testConfiguration(upstream, database: sandbox.path("health.sqlite"))
                configuration.silenceTimeout = .seconds(1)  // the outage at the end is noticed soon
                try await withService(configuration) { service in
                    try await service.waitForCheckpoint(16)
                    let health = try await eventually("healthy") {
                        let reply = try await service.get("/health")
                        return reply.status == 200 ? reply : nil
                    }
                    let body = try health.object()
                    #expect(body["state"] as? String == "live")
                    #expect(body["checkpoint"] as? Int == 16)
                    #expect(body["head"] as? Int == 16)
                    #expect(body["lag"] as? Int == 0)
                    #expect(body["healthy"] as? Bool == true)

                    let metrics = try await service.get("/metrics")
                    #expect(metrics.status == 200)
                    #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
                    for line in [
                        "cosmic_query_checkpoint_position 16", "cosmic_query_lag_events 0", "cosmic_query_connected 1",
                        "cosmic_query_events_applied_total{source=\"replay\"} 16",
                        "cosmic_query_apply_rate_events_per_second",
                        "cosmic_query_batch_apply_duration_seconds_bucket",
                    ] {
                        #expect(metrics.text.contains(line), "\(line) in\n\(metrics.text)")
                    }

                    // Far behind: the head moves on while nothing reaches the read side.
                    upstream.stop()
                    _ = try await eventually("unhealthy while disconnected") {
                        try await service.get("/health").status == 503 ? true : nil
                    }
                }
            }
        }
    }

    @Test func healthIsUnavailableWhileFarBehind() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                var configuration = testConfiguration(upstream, database: sandbox.path("behind.sqlite"))
                configuration.healthyLag = 5
                try await withService(configuration) { service in
                    try await liveTraffic(upstream, service)
                    // Heartbeats announce a head far ahead while replay holds every request beyond what
                    // is applied: the read side stays behind until the test has seen the 503.
                    upstream.holdReplay(after: upstream.head)
                    upstream.append(
                        History.allocations(count: 40, sku: "BEHIND", batch: "behind-batch"), publish: false)
                    let lagging = try await eventually("unhealthy while far behind") {
                        let reply = try await service.get("/health")
                        return reply.status == 503 ? try reply.object() : nil
                    }
                    #expect((lagging["lag"] as? Int ?? 0) > 5)
                    #expect(["live", "catching_up"].contains(lagging["state"] as? String ?? ""))
                    upstream.holdReplay(after: nil)
                    try await service.waitForCheckpoint(upstream.head)
                    _ = try await eventually("healthy once caught up") {
                        try await service.get("/health").status == 200 ? true : nil
                    }
                }
            }
        }
    }

    @Test func theLiveStreamSendsTheDashboardOnEveryChange() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(History.mixed)
                try await withService(testConfiguration(upstream, database: sandbox.path("sse.sqlite"))) { service in
                    try await service.waitForCheckpoint(16)
                    let firstMessage = Flag()
                    async let streamed = HTTPClient.stream(port: service.port, "/events/stream", timeout: .seconds(20))
                    {
                        if $0.contains("\"checkpoint\":16") { firstMessage.set() }
                        // The whole message, not a chunk of it: up to the blank line that ends it.
                        guard let start = $0.range(of: "id: 17\ndata: ") else { return false }
                        return $0[start.upperBound...].contains("\n\n")
                    }
                    // Once the stream has sent its first message, one more event is committed.
                    _ = try await eventually("the first message") { firstMessage.isSet ? true : nil }
                    upstream.append([History.allocated("order-sse", "BLUE-VASE", 0, "batch-003")])
                    let text = try await streamed
                    #expect(text.lowercased().contains("content-type: text/event-stream"))
                    #expect(text.contains("event: dashboard"))
                    #expect(text.contains("\"checkpoint\":17"))
                    #expect(text.contains("order-sse"))
                }
            }
        }
    }

    /// Live streams are bounded: one beyond the maximum gets 503 `too_many_streams` at once, and a
    /// stream that ends gives its place back.
    @Test func liveStreamsAreBounded() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(History.mixed)
                var configuration = testConfiguration(upstream, database: sandbox.path("streams.sqlite"))
                configuration.maximumStreams = 2
                // Both still open when the third comes, even if the machine stalls for seconds; the test
                // then waits for the lifetime to end them, hence not the default minute.
                configuration.streamLifetime = .seconds(30)
                try await withService(configuration) { service in
                    try await service.waitForCheckpoint(16)
                    let opened = (Flag(), Flag())
                    // Two streams, read until the server ends them (their lifetime).
                    async let first = HTTPClient.stream(port: service.port, "/events/stream", timeout: .seconds(60)) {
                        if $0.contains("event: dashboard") { opened.0.set() }
                        return false
                    }
                    async let second = HTTPClient.stream(port: service.port, "/events/stream", timeout: .seconds(60)) {
                        if $0.contains("event: dashboard") { opened.1.set() }
                        return false
                    }
                    _ = try await eventually("both streams open") { opened.0.isSet && opened.1.isSet ? true : nil }
                    let third = try await service.get("/events/stream")
                    #expect(third.status == 503)
                    #expect(try Self.errorCode(third) == "too_many_streams")
                    #expect(third.headers["retry-after"] != nil)
                    _ = try await (first, second)
                    // Their places are free again.
                    let again = try await eventually("a new stream opens") {
                        let text = try await HTTPClient.stream(
                            port: service.port, "/events/stream", timeout: .seconds(20)
                        ) {
                            $0.contains("event: dashboard") || $0.contains("too_many_streams")
                        }
                        return text.contains("event: dashboard") ? text : nil
                    }
                    #expect(again.contains("\"checkpoint\":16"))
                }
            }
        }
    }

    static func errorCode(_ reply: HTTPClient.Reply) throws -> String? {
        (try reply.object()["error"] as? [String: Any])?["code"] as? String
    }
}

/// A one-way switch shared between a callback and the test.
final class Flag: Sendable {
    private let state = Mutex(false)
    func set() { state.withLock { $0 = true } }
    var isSet: Bool { state.withLock { $0 } }
}
