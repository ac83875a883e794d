import Dispatch
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 client over a plain TCP socket, enough to test the real server on loopback
/// without pulling in an HTTP client library. Blocking calls run on Dispatch threads, never on the
/// cooperative pool.
enum HTTPClient {
    struct Reply: Sendable {
        let status: Int
        let headers: [String: String]
        let body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> Any { try JSONSerialization.jsonObject(with: body) }
        func object() throws -> [String: Any] { try #require(json() as? [String: Any]) }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// How long a whole exchange may take: generous, as the tests run in parallel on few cores and an
    /// in-process service may answer many seconds late; no test is about this timeout.
    static let defaultTimeout: Duration = .seconds(60)

    /// `GET path` with `Connection: close`; reads the whole response.
    static func get(port: Int, _ path: String, headers: [String: String] = [:], timeout: Duration = defaultTimeout)
        async throws -> Reply
    {
        let raw = try await exchange(port: port, request: request(path, headers), timeout: timeout) { _ in false }
        return try parse(raw)
    }

    /// Sends a request line as given (for malformed paths) and returns the parsed reply.
    static func raw(port: Int, requestLine: String) async throws -> Reply {
        let request = "\(requestLine)\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        return try parse(try await exchange(port: port, request: request, timeout: defaultTimeout) { _ in false })
    }

    /// Sends `text` exactly as given (any bytes, even not HTTP) and parses the reply.
    static func sendRaw(port: Int, _ text: String) async throws -> Reply {
        try parse(try await exchange(port: port, request: text, timeout: defaultTimeout) { _ in false })
    }

    /// `GET` of each path on one kept-alive connection, all sent at once (pipelined) before any
    /// answer is read; returns the answers in the order they came.
    static func keptAlive(port: Int, _ paths: [String], timeout: Duration = defaultTimeout) async throws -> [Reply] {
        let requests = paths.map { "GET \($0) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" }.joined()
        let raw = try await exchange(port: port, request: requests, timeout: timeout) {
            (try? responses($0))?.count == paths.count
        }
        return try responses(raw)
    }

    /// The whole responses at the start of `raw`, each framed by its `Content-Length`.
    static func responses(_ raw: Data) throws -> [Reply] {
        var replies: [Reply] = []
        var rest = raw[...]
        while let split = rest.range(of: Data("\r\n\r\n".utf8)) {
            let head = try parse(Data(rest[..<split.upperBound]))
            guard let length = head.headers["content-length"].flatMap(Int.init) else {
                throw Failure(description: "an answer without Content-Length on a kept-alive connection")
            }
            guard rest.distance(from: split.upperBound, to: rest.endIndex) >= length else { break }
            let end = rest.index(split.upperBound, offsetBy: length)
            replies.append(Reply(status: head.status, headers: head.headers, body: Data(rest[split.upperBound..<end])))
            rest = rest[end...]
        }
        return replies
    }

    /// Reads a streaming response until `done` holds for the text received so far, then hangs up.
    static func stream(port: Int, _ path: String, timeout: Duration, until done: @escaping @Sendable (String) -> Bool)
        async throws -> String
    {
        let raw = try await exchange(port: port, request: request(path, [:]), timeout: timeout) {
            done(String(decoding: $0, as: UTF8.self))
        }
        return String(decoding: raw, as: UTF8.self)
    }

    private static func request(_ path: String, _ headers: [String: String]) -> String {
        var text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        return text + "\r\n"
    }

    private static func exchange(
        port: Int, request: String, timeout: Duration, enough: @escaping @Sendable (Data) -> Bool
    ) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try blockingExchange(port: port, request: request, timeout: timeout, enough: enough)
                    })
            }
        }
    }

    private static func blockingExchange(
        port: Int, request: String, timeout: Duration, enough: (Data) -> Bool
    ) throws -> Data {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: "connect to port \(port) failed: errno \(errno)") }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            sent += n
        }
        let deadline = ContinuousClock.now + timeout
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return received }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "no complete answer within \(timeout) (errno \(errno))")
            }
            received.append(contentsOf: buffer[0..<n])
            if enough(received) { return received }
        }
        throw Failure(description: "no complete answer within \(timeout)")
    }

    /// Splits status line, headers and body; undoes chunked transfer encoding.
    static func parse(_ raw: Data) throws -> Reply {
        guard let split = raw.range(of: Data("\r\n\r\n".utf8)) else {
            throw Failure(description: "no header end in \(String(decoding: raw, as: UTF8.self))")
        }
        let head = String(decoding: raw[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line \(head[0])")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var body = Data(raw[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Reply(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: Data) -> Data {
        var output = Data()
        var rest = data[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)),
            let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0
        {
            let start = lineEnd.upperBound
            let end = rest.index(start, offsetBy: size, limitedBy: rest.endIndex) ?? rest.endIndex
            output.append(rest[start..<end])
            rest = rest[min(rest.endIndex, end + 2)...]
        }
        return output
    }
}
