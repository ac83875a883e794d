import Contracts
import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Answers `GET /allocations/{orderid}` on the connection's event loop when it can, and passes every
/// other request on to the router unchanged.
///
/// The lookup itself takes microseconds. Through the router it also took a hop to the concurrency
/// pool, another to a GRDB reader queue and back, and a `JSONEncoder`: several times the lookup
/// (BENCHMARKS.md, "The read path"). Here the lookup runs on the event loop, on a
/// ``LookupConnection``, and the bytes go out directly. It sits last before the router, behind
/// Hummingbird's connection state, so idle timeouts and graceful shutdown see its answers as any
/// others (see ``Installer``).
///
/// Only the plain case is taken: a GET with no query, body or `Connection` header, on a connection
/// with no other request in flight, for an order that has lines whose identifiers the fast encoder
/// writes as `JSONEncoder` does. The router answers everything else (404s, 400s, read-your-writes
/// waits, closing connections), so the API means one thing whichever path answers, and the tests
/// hold both paths to the same bytes.
final class PointLookupAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let readModel: ReadModel
    private let metrics: QueryMetrics
    /// A request this handler may answer, held until its end arrives.
    private var held: (request: HTTPRequest, orderid: String)?
    /// Requests passed to the router whose response has not ended yet.
    private var forwarded = 0
    private var date = HTTPDate()

    init(readModel: ReadModel, metrics: QueryMetrics) {
        self.readModel = readModel
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if forwarded == 0, held == nil, let orderid = Self.orderid(request) {
                held = (request, orderid)
                return
            }
            forwarded += 1
        case .body:
            forwardHeld(context)
        case .end:
            if let (request, orderid) = held {
                held = nil
                if answer(context, orderid) { return }
                forward(context, request)
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), forwarded > 0 { forwarded -= 1 }
        context.write(data, promise: promise)
    }

    private func forwardHeld(_ context: ChannelHandlerContext) {
        guard let (request, _) = held else { return }
        held = nil
        forward(context, request)
    }

    private func forward(_ context: ChannelHandlerContext, _ request: HTTPRequest) {
        forwarded += 1
        context.fireChannelRead(wrapInboundOut(.head(request)))
    }

    /// Writes the answer and returns true; false (writing nothing) when the router should answer.
    private func answer(_ context: ChannelHandlerContext, _ orderid: String) -> Bool {
        var json = AllocationsJSON(allocator: context.channel.allocator)
        var plain = true
        var orderid = orderid
        let checkpoint = try? orderid.withUTF8 { utf8 in
            try readModel.allocations(orderid: UnsafeRawBufferPointer(utf8)) { sku, batchref in
                plain = json.line(sku: sku, batchref: batchref)
                return plain
            }
        }
        guard let checkpoint, plain, json.lines > 0 else { return false }
        let body = json.finish()
        var head = HTTPResponse(status: .ok)
        head.headerFields.reserveCapacity(5)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.cacheControl] = "no-store"
        head.headerFields[.checkpoint] = String(checkpoint)
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.date] = date.now()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        metrics.eventLoopLookups.increment()
        return true
    }

    /// The order id of a request this handler may answer, or nil.
    static func orderid(_ request: HTTPRequest) -> String? {
        guard request.method == .get, request.headerFields[.connection] == nil,
            request.headerFields[.minPosition] == nil, let path = request.path
        else { return nil }
        let prefix = "/allocations/"
        guard path.utf8.count > prefix.utf8.count, path.hasPrefix(prefix) else { return nil }
        let orderid = path.utf8.dropFirst(prefix.utf8.count)
        // Printable ASCII without a query, another segment or percent-encoding (the router decodes
        // and checks those) is an identifier by the protocol's rule when it is short enough.
        guard orderid.count <= WireLimits.maximumIdentifierLength,
            orderid.allSatisfy({
                $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "%")
            })
        else { return nil }
        return String(Substring(orderid))
    }
}

extension PointLookupAnswer {
    /// Puts a ``PointLookupAnswer`` last before the router, behind Hummingbird's
    /// `HTTPConnectionStateHandler`, and then takes itself out.
    ///
    /// Hummingbird adds a server's own handlers ahead of its connection state handler, which keeps
    /// the idle timeout and closes connections on graceful shutdown by the requests and answers it
    /// sees: a connection answered ahead of it would look idle however busy it was. The state
    /// handler is added after the server's own, so the move happens on the first request. Should it
    /// ever be missing, the answerer stays where the installer was.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        private let make: @Sendable () -> PointLookupAnswer

        init(_ make: @escaping @Sendable () -> PointLookupAnswer) { self.make = make }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let pipeline = context.pipeline.syncOperations
            if let state = try? pipeline.handler(type: HTTPConnectionStateHandler.self) {
                try? pipeline.addHandler(make(), position: .after(state))
            } else {
                try? pipeline.addHandler(make(), position: .after(self))
            }
            context.fireChannelRead(data)
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
