import Contracts
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Answers the two hot reads on the connection's event loop when it can — `GET /allocations/{orderid}`
/// and `GET /api/dashboard` — and passes every other request on to the router unchanged.
///
/// A point lookup takes microseconds, and the dashboard's bytes are cached per checkpoint. Through
/// the router each read also took a hop to the concurrency pool (and for the lookup another to a
/// GRDB reader queue and back), a `JSONEncoder`, and the conversion of request and response to HTTP
/// types: several times the work itself (BENCHMARKS.md, "Lookups on the event loop"). Here they run
/// right after the HTTP/1 parser (see ``Installer``): the lookup on a ``LookupConnection`` with the
/// row bytes written straight into the answer, the dashboard from the cache's last whole answer.
///
/// Only the plain case is taken: a kept-alive HTTP/1.1 GET with no body, on a connection with no
/// other request in flight, for an order that has lines whose identifiers the fast encoder writes
/// as `JSONEncoder` does, or a dashboard (without a query or `X-Min-Position`) whose cached data is
/// as new as the checkpoint. The router answers everything else (404s, 400s, closing connections, a
/// dashboard to read afresh), so the API means one thing whichever path answers, and the tests hold
/// both paths to the same bytes.
///
/// A lookup may carry read-your-writes (`?min_position=N` as its whole query, `X-Min-Position`):
/// that is how a client reads what its command just did, so it is the read that follows every
/// write. When the checkpoint is behind, the request waits here, parked on the event loop until the
/// subscriber's commit reaches N (``SyncState/notify(whenCheckpointReaches:_:)``) or the wait runs
/// out (the router's 503 `stale_read`, written here); requests that arrive behind it on the
/// connection wait their turn.
///
/// An answer leaves as one buffer of bytes, written from the HTTP/1 encoder's place in the pipeline
/// so that the encoder does not take it apart again (a response head, body and end, each encoded
/// and passed on alone, were a tenth of the service's CPU under lookups): the bytes are those the
/// encoder writes for the same head and body.
///
/// Because Hummingbird's connection state handler sits behind it and never sees the requests
/// answered here, this handler keeps the connection's idle timeout instead (the server is built
/// without one): as Hummingbird keeps it, by every request part read and every answer finished,
/// and never while a routed answer (a live stream) is being written.
final class EventLoopAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A read this handler may answer.
    enum Route: Equatable {
        /// The lines of `orderid`, once the checkpoint is at least `minimum` (0: as they are).
        case allocations(orderid: String, minimum: Int)
        case dashboard
    }

    /// A lookup waiting for the checkpoint, and what ends the wait first.
    private struct Parked {
        let request: HTTPRequestHead
        let orderid: String
        let minimum: Int
        var notification: UInt64?
        var deadline: Scheduled<Void>?

        /// Ends whichever of the two has not fired.
        func withdraw(from sync: SyncState) {
            deadline?.cancel()
            if let notification { sync.cancelNotification(notification) }
        }
    }

    private let readModel: ReadModel
    /// The dashboard's last whole answer, if it is as new as the checkpoint (`QueryAPI.cachedDashboard`).
    private let dashboard: @Sendable () -> (checkpoint: Int, json: ByteBuffer)?
    private let metrics: QueryMetrics
    private let readYourWrites: ReadYourWrites
    private let idleTimeout: TimeAmount?
    /// A request this handler may answer, held until its end arrives.
    private var held: (request: HTTPRequestHead, route: Route)?
    /// A lookup waiting for the checkpoint; the request parts read meanwhile wait in `queued`.
    private var parked: Parked?
    private var queued: [NIOAny] = []
    /// Request parts passed on to the router so far.
    private var passedOnReads = 0
    /// A read of the socket asked for while a lookup waits, held back so that a client cannot
    /// pile up requests behind it: only what one read brought in waits in `queued`.
    private var readHeld = false
    /// Requests passed to the router whose response has not ended yet.
    private var forwarded = 0
    /// Between a request's head and its end.
    private var reading = false
    private var lastActive = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?
    private var date = HTTPDate()
    /// Where the answers' bytes are written: the HTTP/1 response encoder's context, whose writes go
    /// on towards the socket.
    private var encoder: ChannelHandlerContext?

    init(
        readModel: ReadModel, dashboard: @escaping @Sendable () -> (checkpoint: Int, json: ByteBuffer)?,
        metrics: QueryMetrics, readYourWrites: ReadYourWrites, idleTimeout: TimeAmount?
    ) {
        self.readModel = readModel
        self.dashboard = dashboard
        self.metrics = metrics
        self.readYourWrites = readYourWrites
        self.idleTimeout = idleTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActive = context.eventLoop.now
        if parked != nil {
            queued.append(data)
            return
        }
        var data = data
        switch unwrapInboundIn(data) {
        case .head(let request):
            reading = true
            if forwarded == 0, held == nil, let route = Self.route(request) {
                held = (request, route)
                return
            }
            forwarded += 1
            if let closing = Self.closing(request) { data = wrapInboundOut(.head(closing)) }
        case .body:
            if let (request, _) = held {
                held = nil
                forward(context, request)
            }
        case .end:
            reading = false
            if let (request, route) = held {
                held = nil
                // A plain lookup (minimum 0) skips the sync state's lock.
                if case .allocations(let orderid, let minimum) = route, minimum > 0,
                    readYourWrites.sync.status.checkpoint < minimum
                {
                    park(context, Parked(request: request, orderid: orderid, minimum: minimum))
                    return
                }
                if answer(context, route) { return }
                forward(context, request)
            }
        }
        passOn(context, data)
    }

    /// Passes a request part on to the router, counted for ``unpark(_:)``.
    private func passOn(_ context: ChannelHandlerContext, _ data: NIOAny) {
        passedOnReads &+= 1
        context.fireChannelRead(data)
    }

    // MARK: Read-your-writes

    /// Waits for the checkpoint to reach the lookup's minimum, or for the longest wait.
    private func park(_ context: ChannelHandlerContext, _ lookup: Parked) {
        metrics.readsWaited.increment()
        parked = lookup
        let loop = context.eventLoop
        let handler = NIOLoopBound((self, context), eventLoop: loop)
        let notification = readYourWrites.sync.notify(whenCheckpointReaches: lookup.minimum) {
            loop.execute {
                let (answerer, context) = handler.value
                answerer.unpark(context)
            }
        }
        guard let notification else { return unpark(context) }  // reached meanwhile
        parked?.notification = notification
        parked?.deadline = loop.assumeIsolated().scheduleTask(in: .nanoseconds(readYourWrites.maxWait.nanoseconds)) {
            self.unpark(context)
        }
    }

    /// Answers the parked lookup (as of the checkpoint it waited for, or `stale_read` when the wait
    /// ran out), then reads the request parts that queued behind it.
    ///
    /// This runs outside a read of the socket, so what it passes on to the router is followed by a
    /// read-complete of its own: Hummingbird's channel hands requests to the router only then.
    private func unpark(_ context: ChannelHandlerContext) {
        guard let lookup = parked else { return }
        parked = nil
        let passedOn = passedOnReads
        defer { if passedOnReads != passedOn { context.fireChannelReadComplete() } }
        lookup.withdraw(from: readYourWrites.sync)
        lastActive = context.eventLoop.now
        let checkpoint = readYourWrites.sync.status.checkpoint
        if checkpoint < lookup.minimum {
            metrics.staleReads.increment()
            let error = APIError.stale(required: lookup.minimum, checkpoint: checkpoint, waited: readYourWrites.maxWait)
            send(
                context, status: "503 Service Unavailable", headers: ["Retry-After: 1"],
                json: ByteBuffer(data: error.body()))
        } else if !answer(context, .allocations(orderid: lookup.orderid, minimum: lookup.minimum)) {
            forward(context, lookup.request)
            passOn(context, wrapInboundOut(.end(nil)))
        }
        let parts = queued
        queued = []
        for part in parts { channelRead(context: context, data: part) }
        if readHeld && parked == nil {
            readHeld = false
            context.read()
        }
        scheduleIdleCheck(context)
    }

    /// Ends a wait without answering: the connection is gone.
    private func abandonParked() {
        guard let lookup = parked else { return }
        parked = nil
        queued = []
        lookup.withdraw(from: readYourWrites.sync)
    }

    func read(context: ChannelHandlerContext) {
        if parked != nil {
            readHeld = true
        } else {
            context.read()
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), forwarded > 0 {
            forwarded -= 1
            if forwarded == 0 {
                lastActive = context.eventLoop.now
                scheduleIdleCheck(context)
            }
        }
        context.write(data, promise: promise)
    }

    private func forward(_ context: ChannelHandlerContext, _ request: HTTPRequestHead) {
        forwarded += 1
        passOn(context, wrapInboundOut(.head(request)))
    }

    /// Writes the answer and returns true; false (writing nothing) when the router should answer.
    private func answer(_ context: ChannelHandlerContext, _ route: Route) -> Bool {
        guard encoder != nil else { return false }
        let answer: (checkpoint: Int, json: ByteBuffer)?
        switch route {
        case .allocations(let orderid, let minimum):
            answer = allocations(orderid, context.channel.allocator).flatMap { $0.0 >= minimum ? $0 : nil }
        case .dashboard: answer = dashboard()
        }
        guard let (checkpoint, json) = answer else { return false }
        send(context, status: "200 OK", headers: ["X-Checkpoint: \(checkpoint)"], json: json)
        return true
    }

    /// Writes a whole JSON answer as one buffer: the bytes NIO's encoder writes for the same head
    /// (`Content-Type`, `Cache-Control`, then `headers`, `Content-Length` and `Date`) and body.
    private func send(_ context: ChannelHandlerContext, status: String, headers: [String], json: ByteBuffer) {
        guard let encoder else { return }
        var bytes = context.channel.allocator.buffer(capacity: 192 + json.readableBytes)
        bytes.writeString(
            "HTTP/1.1 \(status)\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\n"
                + headers.map { $0 + "\r\n" }.joined()
                + "Content-Length: \(json.readableBytes)\r\nDate: \(date.now())\r\n\r\n")
        bytes.writeImmutableBuffer(json)
        encoder.writeAndFlush(NIOAny(IOData.byteBuffer(bytes)), promise: nil)
        metrics.eventLoopAnswers.increment()
    }

    /// The allocations of `orderid` as JSON, or nil when it has none or the router must encode them.
    private func allocations(_ orderid: String, _ allocator: ByteBufferAllocator) -> (Int, ByteBuffer)? {
        var json = AllocationsJSON(allocator: allocator)
        var plain = true
        var orderid = orderid
        let checkpoint = try? orderid.withUTF8 { utf8 in
            try readModel.allocations(orderid: UnsafeRawBufferPointer(utf8)) { sku, batchref in
                plain = json.line(sku: sku, batchref: batchref)
                return plain
            }
        }
        guard let checkpoint, plain, json.lines > 0 else { return nil }
        return (checkpoint, json.finish())
    }

    /// A request that does not keep its connection, with its `Connection` header made the one the
    /// router recognises, `close` (or nil when it keeps it, or says `close` so already). The router
    /// reads HTTP types, which carry no version, and compares that header with `close` exactly: an
    /// HTTP/1.0 request (which ends its connection unless it says `keep-alive`), or a `Close` or
    /// `keep-alive, close`, would have had its connection held open until the idle timeout.
    static func closing(_ request: HTTPRequestHead) -> HTTPRequestHead? {
        guard !request.isKeepAlive, request.headers["Connection"] != ["close"] else { return nil }
        var closing = request
        closing.headers.replaceOrAdd(name: "Connection", value: "close")
        return closing
    }

    /// The read of a request this handler may answer, or nil.
    static func route(_ request: HTTPRequestHead) -> Route? {
        // HTTP/1.1 only: an HTTP/1.0 client keeps a connection alive only when the answer says so,
        // which the router's answers (always HTTP/1.1) decide.
        guard request.method == .GET, request.version == .http1_1, request.isKeepAlive else { return nil }
        let minimumHeaders = request.headers["X-Min-Position"]
        if request.uri == "/api/dashboard" { return minimumHeaders.isEmpty ? .dashboard : nil }
        // Read-your-writes as the router reads it: the largest of the header values and the query's.
        var minimum = 0
        for value in minimumHeaders {
            guard let position = ReadYourWrites.position(value) else { return nil }
            minimum = max(minimum, position)
        }
        let prefix = "/allocations/"
        var uri = request.uri.utf8[...]
        if let question = uri.firstIndex(of: UInt8(ascii: "?")) {
            let query = uri[uri.index(after: question)...]
            let name = "min_position=".utf8
            guard query.starts(with: name),
                let position = ReadYourWrites.position(String(Substring(query.dropFirst(name.count))))
            else { return nil }
            minimum = max(minimum, position)
            uri = uri[..<question]
        }
        guard uri.count > prefix.utf8.count, uri.starts(with: prefix.utf8) else { return nil }
        let orderid = uri.dropFirst(prefix.utf8.count)
        // Printable ASCII without a query, fragment, another segment or percent-encoding (the router
        // decodes and checks those) is an identifier by the protocol's rule when it is short enough.
        guard orderid.count <= WireLimits.maximumIdentifierLength,
            orderid.allSatisfy({
                $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#")
                    && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "%")
            })
        else { return nil }
        return .allocations(orderid: String(Substring(orderid)), minimum: minimum)
    }

    // MARK: The idle timeout

    func handlerAdded(context: ChannelHandlerContext) {
        // Without the encoder ahead of it (never in Hummingbird's HTTP/1 pipeline) the router answers.
        encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
        lastActive = context.eventLoop.now
        if context.channel.isActive { scheduleIdleCheck(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        lastActive = context.eventLoop.now
        scheduleIdleCheck(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelIdleCheck()
        abandonParked()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelIdleCheck()
        abandonParked()
    }

    private func scheduleIdleCheck(_ context: ChannelHandlerContext) {
        guard let idleTimeout, idleCheck == nil else { return }
        idleCheck = context.eventLoop.assumeIsolated().scheduleTask(deadline: lastActive + idleTimeout) {
            self.idleCheck = nil
            self.checkIdle(context)
        }
    }

    private func checkIdle(_ context: ChannelHandlerContext) {
        guard let idleTimeout, context.channel.isActive else { return }
        // An answer being written (a live stream) or awaited keeps the connection; its end
        // schedules a check.
        if !reading && (forwarded > 0 || parked != nil) { return }
        if context.eventLoop.now >= lastActive + idleTimeout {
            context.close(promise: nil)
        } else {
            scheduleIdleCheck(context)
        }
    }

    private func cancelIdleCheck() {
        idleCheck?.cancel()
        idleCheck = nil
    }
}

extension EventLoopAnswer {
    /// Puts an ``EventLoopAnswer`` right after the HTTP/1 parser, ahead of the conversion to HTTP
    /// types, and takes itself out. Hummingbird adds a server's own handlers after that conversion;
    /// this one is among them and moves the answerer ahead of it. Should the conversion ever be
    /// missing (a new Hummingbird), it logs that and the router answers every request, without an
    /// idle timeout: `EventLoopAnswerTests` fails first.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        private let make: @Sendable () -> EventLoopAnswer
        private let missing: @Sendable () -> Void

        init(_ make: @escaping @Sendable () -> EventLoopAnswer, missing: @escaping @Sendable () -> Void) {
            self.make = make
            self.missing = missing
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            if let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) {
                try? pipeline.addHandler(make(), position: .before(codec))
            } else {
                missing()
            }
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
