import Foundation
import Hummingbird
import ServiceLifecycle

/// The read side's HTTP API (docs/query-api.openapi.yaml): the book's allocations view, stock,
/// the dashboard's JSON and its live stream, health, metrics, and the dashboard page itself.
struct QueryAPI: Sendable {
    let readModel: ReadModel
    let sync: SyncState
    let metrics: QueryMetrics
    let rate: RateMeter
    let readYourWrites: ReadYourWrites
    let healthyLag: Int
    let streamLifetime: Duration
    let dashboardCache = DashboardCache()

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())

        router.get("/") { _, _ in DashboardAssets.response(DashboardAssets.html, type: "text/html; charset=utf-8") }
        router.get("/dashboard.js") { _, _ in
            DashboardAssets.response(DashboardAssets.script, type: "text/javascript; charset=utf-8")
        }
        router.get("/dashboard.css") { _, _ in
            DashboardAssets.response(DashboardAssets.style, type: "text/css; charset=utf-8")
        }

        router.get("/allocations/:orderid") { request, context in
            let orderid = try Self.identifier(context.parameters.require("orderid"), name: "orderid")
            try await readYourWrites.awaitMinimumPosition(of: request)
            let (checkpoint, lines) = try await readModel.allocations(orderid: orderid)
            guard !lines.isEmpty else {
                throw APIError.notFound("order \(orderid) has no allocated lines (as of position \(checkpoint))")
            }
            return try APIJSON.response(lines, checkpoint: checkpoint)
        }

        router.get("/stock/:sku") { request, context in
            let sku = try Self.identifier(context.parameters.require("sku"), name: "sku")
            try await readYourWrites.awaitMinimumPosition(of: request)
            let (checkpoint, stock) = try await readModel.stock(sku: sku)
            guard let stock else {
                throw APIError.notFound("no batch of sku \(sku) is known (as of position \(checkpoint))")
            }
            return try APIJSON.response(stock, checkpoint: checkpoint)
        }

        router.get("/api/dashboard") { request, _ in
            try await readYourWrites.awaitMinimumPosition(of: request)
            let (checkpoint, json) = try await dashboard()
            return APIJSON.response(json: json, checkpoint: checkpoint)
        }

        router.get("/health") { _, _ in
            let view = syncView(sync.status)
            return try APIJSON.response(view, status: view.healthy ? .ok : .serviceUnavailable)
        }

        router.get("/metrics") { _, _ in
            metrics.refresh(sync.status, applyRate: rate.perSecond())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }

        router.get("/events/stream") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: ResponseBody { writer in try await stream(to: &writer) })
        }
        return router
    }

    // MARK: Building answers

    func syncView(_ status: SyncStatus) -> SyncView {
        SyncView(
            state: status.state, healthy: status.isHealthy(maximumLag: healthyLag), checkpoint: status.checkpoint,
            head: status.head, lag: status.lag, applyRate: (rate.perSecond() * 10).rounded() / 10,
            problem: status.problem, liveEventsApplied: status.liveEventsApplied,
            replayedEventsApplied: status.replayedEventsApplied, duplicatesDiscarded: status.duplicatesDiscarded,
            gapsDetected: status.gapsDetected, reconnects: status.reconnects, applyFailures: status.applyFailures)
    }

    /// The `DashboardView` as JSON, and the checkpoint its data is as of (see `DashboardCache`).
    func dashboard() async throws -> (checkpoint: Int, json: Data) {
        var status = sync.status
        let body = try await dashboardCache.body(atLeast: status.checkpoint) { try await readModel.dashboard() }
        // The snapshot may be newer than the status read a moment before: report the data's position.
        status.checkpoint = max(status.checkpoint, body.checkpoint)
        status.head = max(status.head, body.checkpoint)
        let sync = try APIJSON.data(syncView(status))
        return (body.checkpoint, body.json(sync: sync, head: status.head, lag: max(0, status.head - body.checkpoint)))
    }

    /// Server-sent events: a `dashboard` message now and after every change (at most four a second),
    /// and at least every 15 s as a keep-alive. Ends when the client goes, the service stops, or the
    /// stream's lifetime is over (the `retry` field tells the browser to reconnect 2 s later).
    private func stream(to writer: inout any ResponseBodyWriter) async throws {
        let end = ContinuousClock.now + streamLifetime
        var lastSent = ContinuousClock.now
        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
        while !Task.isCancelled && !Task.isShuttingDownGracefully && ContinuousClock.now < end {
            let generation = sync.versioned.generation
            let (checkpoint, json) = try await dashboard()
            try await writer.write(
                ByteBuffer(
                    string: "event: dashboard\nid: \(checkpoint)\ndata: \(String(decoding: json, as: UTF8.self))\n\n"))
            lastSent = .now
            // Throttle, then wait for a change; wake at least once a second to notice shutdown.
            try? await Task.sleep(until: lastSent + .milliseconds(250))
            var waited = Duration.zero
            while !Task.isCancelled && !Task.isShuttingDownGracefully && waited < .seconds(15) && .now < end {
                if await sync.waitForChange(after: generation, timeout: .seconds(1)) { break }
                waited += .seconds(1)
            }
        }
        try await writer.finish(nil)
    }

    /// A path identifier (orderid, sku): percent-decoded, 1 to 100 characters, no control characters,
    /// as the protocol defines identifiers.
    static func identifier(_ raw: String, name: String) throws -> String {
        guard let value = raw.removingPercentEncoding else {
            throw APIError.invalidParameter(name, "\(name) is not valid percent-encoded UTF-8")
        }
        guard !value.isEmpty, value.unicodeScalars.count <= 100,
            !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw APIError.invalidParameter(name, "\(name) must be 1 to 100 characters without control characters")
        }
        return value
    }
}
