import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Answers a request the HTTP parser refuses with the API's JSON error, like every other error:
/// 431 `bad_request` for headers over the limit, 400 `bad_request` for anything else that is not
/// HTTP/1.1, then closes the connection.
///
/// Hummingbird answers such a request itself with an empty 400 (or, for a head that HTTP types
/// cannot hold, nothing at all), which a client that parses every error body cannot read. This
/// handler sits right after the HTTP codec, sees the parser's error first, and answers it — unless a
/// response is being written on the connection, whose bytes a second answer would corrupt: then the
/// error goes on to Hummingbird as before.
final class ParserErrorAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Between a response's head and its end.
    private var responding = false
    private var answered = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head: responding = true
        case .end: responding = false
        case .body: break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let answer: (status: HTTPResponse.Status, message: String)
        switch error {
        case HTTPParserError.headerOverflow:
            answer = (.init(code: 431), "the request's headers are larger than the server accepts")
        case let parserError as HTTPParserError:
            answer = (.badRequest, "the request is not valid HTTP/1.1 (\(parserError))")
        case is HTTP1TypeConversionError:
            answer = (.badRequest, "the request's head is not valid HTTP (\(error))")
        default:
            context.fireErrorCaught(error)
            return
        }
        guard !responding, !answered else {
            context.fireErrorCaught(error)
            return
        }
        answered = true
        let body = APIError(status: answer.status, code: "bad_request", message: answer.message).body()
        var head = HTTPResponse(status: answer.status)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = String(body.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
