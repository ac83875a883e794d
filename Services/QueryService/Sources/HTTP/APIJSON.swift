import Foundation
import HTTPTypes
import Hummingbird

/// The API's JSON: snake_case keys, and every read answer carries `X-Checkpoint`, the position its
/// data is as of, so a client can tell how fresh it is.
enum APIJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    static func data(_ value: some Encodable) throws -> Data { try encoder().encode(value) }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, checkpoint: Int? = nil) throws
        -> Response
    {
        response(json: try data(value), status: status, checkpoint: checkpoint)
    }

    /// A response of JSON already encoded.
    static func response(json: Data, status: HTTPResponse.Status = .ok, checkpoint: Int? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if let checkpoint { headers[.checkpoint] = String(checkpoint) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }
}

extension HTTPField.Name {
    /// Response header: the checkpoint the answer's data is as of.
    static let checkpoint = HTTPField.Name("X-Checkpoint")!
    /// Request header: the read-your-writes minimum position (same as `?min_position=`).
    static let minPosition = HTTPField.Name("X-Min-Position")!
}
