import Foundation
import Hummingbird

/// An HTTP error with a stable machine-readable code, answered as
/// `{"error": {"code": …, "message": …, "field": …}}` (plus context fields for some codes).
/// Clients branch on `code`; `message` is for people and may change.
public struct APIError: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    /// Extra top-level numbers, e.g. `checkpoint` and `min_position` of a stale read.
    public var context: [String: Int] = [:]
    public var headers: HTTPFields = [:]

    public static func notFound(_ message: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: message)
    }

    public static func invalidParameter(_ field: String, _ message: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_parameter", message: message, field: field)
    }

    /// The projections did not reach `required` within the wait: retry later, or read without it.
    public static func stale(required: Int, checkpoint: Int, waited: Duration) -> APIError {
        var error = APIError(
            status: .serviceUnavailable, code: "stale_read",
            message:
                "the read model is at position \(checkpoint), below the requested \(required), after waiting \(waited)",
            field: "min_position")
        error.context = ["checkpoint": checkpoint, "min_position": required]
        error.headers[.retryAfter] = "1"
        return error
    }

    /// A known path asked with a method it does not answer; `allow` lists those it does.
    public static func methodNotAllowed(_ method: HTTPRequest.Method, path: String, allow: String) -> APIError {
        var error = APIError(
            status: .methodNotAllowed, code: "method_not_allowed", message: "\(path) answers \(allow), not \(method)")
        error.headers[.allow] = allow
        return error
    }

    /// Every live update stream the service allows is open: retry later.
    public static func tooManyStreams(_ maximum: Int) -> APIError {
        var error = APIError(
            status: .serviceUnavailable, code: "too_many_streams",
            message: "\(maximum) live streams are open, the most this service keeps; retry later")
        error.headers[.retryAfter] = "5"
        return error
    }

    public static func `internal`(_ message: String) -> APIError {
        APIError(status: .internalServerError, code: "internal", message: message)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    /// The JSON error document.
    func body() -> Data {
        var body: [String: Any] = [
            "error": ["code": code, "message": message, "field": field.map { $0 as Any } ?? NSNull()]
        ]
        for (key, value) in self.context { body[key] = value }
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
    }

    func response() -> Response {
        let data = body()
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error on its way out into JSON with a stable code: Hummingbird's own (404 for an
/// unknown path, 405, …) and anything unexpected (500 `internal`, details in the log only).
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as HTTPError {
            let code =
                switch error.status {
                case .notFound: "not_found"
                case .methodNotAllowed: "method_not_allowed"
                case .badRequest: "bad_request"
                default: error.status.code < 500 ? "bad_request" : "internal"
                }
            let message =
                error.status == .notFound
                ? "no resource at \(request.method) \(request.uri.path)" : error.body ?? error.status.reasonPhrase
            return APIError(status: error.status, code: code, message: message).response()
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return APIError.internal("the request failed; see the service's log").response()
        }
    }
}
