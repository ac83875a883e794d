import Contracts
import Foundation
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import QueryService

/// `GET /allocations/{orderid}` answered on the event loop (`PointLookupAnswer`): the same bytes as
/// the router's answer, and every request it does not answer passed on to the router unchanged.
@Suite struct PointLookupTests {
    /// History.mixed, plus an order of two lines and one whose SKU `JSONEncoder` escapes.
    static let history =
        History.mixed + [
            History.batch("batch-100", "AAA-LAMP", 10), History.allocated("order-9", "AAA-LAMP", 1, "batch-100"),
            History.allocated("order-9", "SMALL-TABLE", 1, "batch-002"),
            History.batch("b 1", "RED CHAIR/XL", 5), History.allocated("order-10", "RED CHAIR/XL", 2, "b 1"),
        ]

    @Test func aFoundOrderIsAnsweredOnTheEventLoopWithTheRoutersBytes() async throws {
        try await withSandbox { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("fast.sqlite")))
            for orderid in ["order-4", "order-9"] {
                let channel = try Self.channel(model)
                try channel.writeInbound(HTTPRequestPart.head(Self.get("/allocations/\(orderid)")))
                try channel.writeInbound(HTTPRequestPart.end(nil))
                #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil, "passed to the router")

                let (checkpoint, lines) = try await model.allocations(orderid: orderid)
                guard case .head(let head) = try channel.readOutbound(as: HTTPResponsePart.self),
                    case .body(let body) = try channel.readOutbound(as: HTTPResponsePart.self),
                    case .end(nil) = try channel.readOutbound(as: HTTPResponsePart.self)
                else {
                    Issue.record("no whole answer for \(orderid)")
                    continue
                }
                let routed = APIJSON.response(json: try APIJSON.data(lines), checkpoint: checkpoint)
                #expect(head.status == .ok)
                #expect(Array(body.readableBytesView) == Array(try APIJSON.data(lines)))
                for name in [HTTPField.Name.contentType, .cacheControl, .checkpoint] {
                    #expect(head.headerFields[name] == routed.headers[name], "\(name)")
                }
                #expect(head.headerFields[.contentLength] == String(body.readableBytes))
                #expect(head.headerFields[.date]?.hasSuffix(" GMT") == true)
                #expect(lines.count == (orderid == "order-9" ? 2 : 1))
                _ = try channel.finish()
            }
        }
    }

    @Test func everythingElseGoesToTheRouterUnchanged() async throws {
        try await withSandbox { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("slow.sqlite")))
            var close = Self.get("/allocations/order-4")
            close.headerFields[.connection] = "close"
            var waiting = Self.get("/allocations/order-4")
            waiting.headerFields[.minPosition] = "3"
            var post = Self.get("/allocations/order-4")
            post.method = .post
            let requests = [
                Self.get("/allocations/order-1"),  // no lines: the router's 404
                Self.get("/allocations/order-10"),  // an SKU JSONEncoder escapes
                Self.get("/allocations/order-4?min_position=3"), Self.get("/allocations/order%2D4"),
                Self.get("/allocations/order-4/more"), Self.get("/allocations/"),
                Self.get("/allocations/" + String(repeating: "a", count: 101)), Self.get("/stock/SMALL-TABLE"),
                close, waiting, post,
            ]
            for request in requests {
                let channel = try Self.channel(model)
                try channel.writeInbound(HTTPRequestPart.head(request))
                try channel.writeInbound(HTTPRequestPart.end(nil))
                #expect(try channel.readInbound(as: HTTPRequestPart.self) == .head(request), "\(request)")
                #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
                #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil, "\(request)")
                _ = try channel.finish()
            }
        }
    }

    /// The router's answer to one request must go out before anything answers the next.
    @Test func whileTheRouterAnswersTheEventLoopDoesNot() async throws {
        try await withSandbox { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("order.sqlite")))
            let channel = try Self.channel(model)
            try channel.writeInbound(HTTPRequestPart.head(Self.get("/allocations/order-1")))
            try channel.writeInbound(HTTPRequestPart.end(nil))
            #expect(try channel.readInbound(as: HTTPRequestPart.self) != nil)
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))

            // The router has not answered yet: the next lookup goes to it too.
            try channel.writeInbound(HTTPRequestPart.head(Self.get("/allocations/order-4")))
            try channel.writeInbound(HTTPRequestPart.end(nil))
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .head(Self.get("/allocations/order-4")))
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))

            // Both answered: the event loop answers the next one.
            for _ in 0..<2 {
                try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .notFound)))
                try channel.writeOutbound(HTTPResponsePart.end(nil))
            }
            while try channel.readOutbound(as: HTTPResponsePart.self) != nil {}
            try channel.writeInbound(HTTPRequestPart.head(Self.get("/allocations/order-4")))
            try channel.writeInbound(HTTPRequestPart.end(nil))
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil)
            guard case .head(let head) = try channel.readOutbound(as: HTTPResponsePart.self) else {
                Issue.record("not answered on the event loop")
                return
            }
            #expect(head.status == .ok)
            _ = try channel.finish()
        }
    }

    /// A GET with a body is unusual but allowed: the router gets all of it, in order.
    @Test func aRequestWithABodyGoesToTheRouterWhole() async throws {
        try await withSandbox { sandbox in
            let model = ReadModel(store: try await referenceStore(Self.history, at: sandbox.path("body.sqlite")))
            let channel = try Self.channel(model)
            let body = ByteBuffer(string: "{}")
            try channel.writeInbound(HTTPRequestPart.head(Self.get("/allocations/order-4")))
            try channel.writeInbound(HTTPRequestPart.body(body))
            try channel.writeInbound(HTTPRequestPart.end(nil))
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .head(Self.get("/allocations/order-4")))
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .body(body))
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
            #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
            _ = try channel.finish()
        }
    }

    /// Over the real server: lookups on one kept-alive connection, the event loop's answers and
    /// the router's interleaved, each answered in order and the connection still open after them.
    @Test func aKeptAliveConnectionGetsEveryAnswerInOrder() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(Self.history)
                try await withService(testConfiguration(upstream, database: sandbox.path("alive.sqlite"))) { service in
                    try await service.waitForCheckpoint(Self.history.count)
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
                    // The first on the event loop (nothing was in flight then); the later ones that
                    // could be came while the router's answers to earlier ones were pending, or not,
                    // as the requests happened to arrive.
                    let metrics = try await service.get("/metrics").text
                    let answered = metrics.split(separator: "\n").first {
                        $0.hasPrefix("cosmic_query_event_loop_lookups_total ")
                    }
                    #expect(
                        (answered?.split(separator: " ").last).flatMap { Int($0) }.map { (1...3).contains($0) } == true)
                    let checkpoint = "\(Self.history.count)"
                    #expect(replies.filter { $0.status == 200 }.allSatisfy { $0.headers["x-checkpoint"] == checkpoint })
                }
            }
        }
    }

    static func get(_ path: String) -> HTTPRequest {
        HTTPRequest(method: .get, scheme: nil, authority: "127.0.0.1", path: path)
    }

    static func channel(_ model: ReadModel) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(PointLookupAnswer(readModel: model, metrics: QueryMetrics()))
        return channel
    }
}
