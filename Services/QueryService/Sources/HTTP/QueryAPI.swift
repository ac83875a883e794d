import Contracts
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
    let streams: StreamSlots
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

        router.get("/procurement") { _, _ in
            DashboardAssets.response(ProcurementAssets.html, type: "text/html; charset=utf-8")
        }
        router.get("/procurement.js") { _, _ in
            DashboardAssets.response(ProcurementAssets.script, type: "text/javascript; charset=utf-8")
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

        router.get("/purchase-orders/:number") { request, context in
            let number = try Self.identifier(context.parameters.require("number"), name: "number")
            try await readYourWrites.awaitMinimumPosition(of: request)
            let (checkpoint, order) = try await readModel.purchaseOrder(number)
            guard let order else {
                throw APIError.notFound("no purchase order \(number) is known (as of position \(checkpoint))")
            }
            return try APIJSON.response(order, checkpoint: checkpoint)
        }

        router.get("/invoices/:supplier/:number") { request, context in
            let supplier = try Self.identifier(context.parameters.require("supplier"), name: "supplier")
            let number = try Self.identifier(context.parameters.require("number"), name: "number")
            try await readYourWrites.awaitMinimumPosition(of: request)
            let (checkpoint, invoice) = try await readModel.invoice(supplier: supplier, number: number)
            guard let invoice else {
                throw APIError.notFound(
                    "no invoice \(number) of supplier \(supplier) is known (as of position \(checkpoint))")
            }
            return try APIJSON.response(invoice, checkpoint: checkpoint)
        }

        router.get("/suppliers/:id") { request, context in
            let id = try Self.identifier(context.parameters.require("id"), name: "id")
            try await readYourWrites.awaitMinimumPosition(of: request)
            let (checkpoint, supplier) = try await readModel.supplier(id)
            guard let supplier else {
                throw APIError.notFound("no supplier \(id) is known (as of position \(checkpoint))")
            }
            return try APIJSON.response(supplier, checkpoint: checkpoint)
        }

        router.get("/api/procurement/kpis") { request, _ in
            let from = try Self.day(request, "from")
            let to = try Self.day(request, "to")
            if let from, let to, to < from {
                throw APIError.invalidParameter("to", "to (\(to)) is before from (\(from))")
            }
            try await readYourWrites.awaitMinimumPosition(of: request)
            let (checkpoint, kpis) = try await readModel.procurementKPIs(from: from, to: to, today: Self.today())
            return try APIJSON.response(kpis, checkpoint: checkpoint)
        }

        router.get("/api/procurement/dashboard") { request, _ in
            try await readYourWrites.awaitMinimumPosition(of: request)
            let (checkpoint, json) = try await procurementDashboard()
            return APIJSON.response(json: json, checkpoint: checkpoint)
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

        router.get("/events/stream") { request, _ in
            let view = request.uri.queryParameters.get("view") ?? "allocation"
            let source: (event: String, document: @Sendable () async throws -> (Int, Data))
            switch view {
            case "allocation": source = ("dashboard", { try await dashboard() })
            case "procurement": source = ("procurement", { try await procurementDashboard() })
            default:
                throw APIError.invalidParameter("view", "view must be allocation or procurement, got \"\(view)\"")
            }
            guard let slot = streams.take() else { throw APIError.tooManyStreams(streams.maximum) }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    // The slot is free again once this body is done, or dropped unwritten.
                    defer { withExtendedLifetime(slot) {} }
                    try await stream(source.event, source.document, to: &writer)
                })
        }
        Self.refuseOtherMethods(on: router)
        return router
    }

    /// Every path answers GET only: any other method on it is 405 `method_not_allowed` with an
    /// `Allow` header, as the OpenAPI promises, not the 404 of a path that does not exist.
    static func refuseOtherMethods(on router: Router<BasicRequestContext>) {
        var byPath: [String: (path: RouterPath, allowed: [HTTPRequest.Method])] = [:]
        for route in router.routes {
            byPath[route.path.description, default: (route.path, [])].allowed.append(route.method)
        }
        let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace]
        for (path, allowed) in byPath.values {
            let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            for method in methods where !allowed.contains(method) {
                router.on(path, method: method) { request, _ -> Response in
                    throw APIError.methodNotAllowed(request.method, path: request.uri.path, allow: allow)
                }
            }
        }
    }

    // MARK: Building answers

    /// The sync state as the API shows it; `applyRate` is the rate now unless given.
    func syncView(_ status: SyncStatus, applyRate: Double? = nil) -> SyncView {
        SyncView(
            state: status.state, healthy: status.isHealthy(maximumLag: healthyLag), checkpoint: status.checkpoint,
            head: status.head, lag: status.lag, applyRate: applyRate ?? shownApplyRate(),
            problem: status.problem, liveEventsApplied: status.liveEventsApplied,
            replayedEventsApplied: status.replayedEventsApplied, duplicatesDiscarded: status.duplicatesDiscarded,
            gapsDetected: status.gapsDetected, reconnects: status.reconnects, applyFailures: status.applyFailures)
    }

    /// The `DashboardView` as JSON, and the checkpoint its data is as of (see `DashboardCache`).
    func dashboard() async throws -> (checkpoint: Int, json: Data) {
        let status = sync.status
        let body = try await dashboardCache.body(atLeast: status.checkpoint) { try await readModel.dashboard() }
        return (body.checkpoint, try dashboardJSON(body, status: status, applyRate: shownApplyRate()))
    }

    /// The whole `DashboardView` of `body` with the sync state `status`. The snapshot may be newer
    /// than the status read a moment before it: the view reports the data's position.
    private func dashboardJSON(_ body: DashboardCache.Body, status: SyncStatus, applyRate: Double) throws -> Data {
        var status = status
        status.checkpoint = max(status.checkpoint, body.checkpoint)
        status.head = max(status.head, body.checkpoint)
        let sync = try APIJSON.data(syncView(status, applyRate: applyRate))
        return body.json(sync: sync, head: status.head, lag: max(0, status.head - body.checkpoint))
    }

    /// Events applied per second over the last ten seconds, to one decimal.
    func shownApplyRate() -> Double { (rate.perSecond() * 10).rounded() / 10 }

    /// ``dashboard()`` from what is cached, without a read or a suspension, for the event loop's fast
    /// path (``EventLoopAnswer``); nil when the cached body is older than the subscriber's checkpoint.
    func cachedDashboard() -> (checkpoint: Int, json: ByteBuffer)? {
        let (current, generation) = sync.versioned
        guard let body = dashboardCache.cached(atLeast: current.checkpoint) else { return nil }
        let applyRate = shownApplyRate()
        let key = DashboardCache.AnswerKey(checkpoint: body.checkpoint, generation: generation, applyRate: applyRate)
        let json = try? dashboardCache.answer(for: key) {
            try dashboardJSON(body, status: current, applyRate: applyRate)
        }
        return json.map { (body.checkpoint, $0) }
    }

    /// The `ProcurementDashboardView` as JSON, and the checkpoint its data is as of.
    func procurementDashboard() async throws -> (checkpoint: Int, json: Data) {
        var status = sync.status
        let (checkpoint, body) = try await readModel.procurementDashboard(today: Self.today())
        status.checkpoint = max(status.checkpoint, checkpoint)
        status.head = max(status.head, checkpoint)
        let view = ProcurementDashboardView(
            sync: syncView(status), checkpoint: checkpoint, head: status.head, lag: max(0, status.head - checkpoint),
            kpis: body.kpis, awaitingApproval: body.awaitingApproval, paymentsDue: body.paymentsDue)
        return (checkpoint, try APIJSON.data(view))
    }

    /// Server-sent events: an `event` message (the allocation `dashboard` or the `procurement` page's
    /// document) now and after every change (at most four a second), and at least every 15 s as a
    /// keep-alive. Ends when the client goes, the service stops, or the stream's lifetime is over
    /// (the `retry` field tells the browser to reconnect 2 s later).
    private func stream(
        _ event: String, _ document: () async throws -> (Int, Data), to writer: inout any ResponseBodyWriter
    ) async throws {
        let end = ContinuousClock.now + streamLifetime
        var lastSent = ContinuousClock.now
        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
        while !Task.isCancelled && !Task.isShuttingDownGracefully && ContinuousClock.now < end {
            let generation = sync.versioned.generation
            let (checkpoint, json) = try await document()
            try await writer.write(
                ByteBuffer(
                    string: "event: \(event)\nid: \(checkpoint)\ndata: \(String(decoding: json, as: UTF8.self))\n\n"))
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

    /// The UTC day of now: where "payments due in the next 7 days" starts.
    static func today() -> CalendarDay { CalendarDay(of: Date()) }

    /// An optional `YYYY-MM-DD` query parameter; 400 `invalid_parameter` for anything else.
    static func day(_ request: Request, _ name: String) throws -> CalendarDay? {
        let values = request.uri.queryParameters.getAll(name)
        guard let text = values.last else { return nil }
        guard values.count == 1, let day = CalendarDay(text) else {
            throw APIError.invalidParameter(
                name, "\(name) must be one calendar day written YYYY-MM-DD, got \"\(text)\"")
        }
        return day
    }

    /// A path identifier (orderid, sku, …): percent-decoded, and an identifier by the protocol's one
    /// rule (``WireLimits/identifierProblem(_:)``), so whatever the write side stored can be looked up.
    static func identifier(_ raw: String, name: String) throws -> String {
        guard let value = raw.removingPercentEncoding else {
            throw APIError.invalidParameter(name, "\(name) is not valid percent-encoded UTF-8")
        }
        if let problem = WireLimits.identifierProblem(value) {
            throw APIError.invalidParameter(name, "\(name) \(problem)")
        }
        return value
    }
}
