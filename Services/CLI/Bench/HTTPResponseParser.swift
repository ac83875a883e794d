/// One HTTP response as the benchmark client reads it.
struct HTTPResponse: Sendable, Equatable {
    var status: Int
    /// Header names in lower case; a repeated header keeps its values joined by ", ".
    var headers: [String: String]
    var body: [UInt8]
    /// False when the server will close the connection after this response.
    var keepAlive: Bool

    var isSuccess: Bool { (200..<300).contains(status) }
}

/// Why an HTTP exchange failed; `code` is what a report counts it as.
enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case connect(String)
    case io(String)
    case timeout
    case closed

    var code: String {
        switch self {
        case .malformed: "malformed_response"
        case .connect: "connect_failed"
        case .io: "io_error"
        case .timeout: "timeout"
        case .closed: "connection_closed"
        }
    }

    var description: String {
        switch self {
        case .malformed(let detail): "malformed response: \(detail)"
        case .connect(let detail): "cannot connect: \(detail)"
        case .io(let detail): "I/O error: \(detail)"
        case .timeout: "timed out"
        case .closed: "the server closed the connection"
        }
    }
}

/// Reads one HTTP/1.1 response from the front of the bytes received so far: the status line,
/// the headers, and a body framed by Content-Length, by chunked transfer coding (what Hummingbird
/// uses for streamed bodies), or by the end of the connection. Pure, so it is tested on bytes.
enum HTTPResponseParser {
    static let maximumHeadBytes = 64 * 1024

    /// The response and how many bytes it took, or nil while more bytes are needed. `atEOF` says
    /// the peer has closed, which ends a body that has no other framing.
    static func parse(_ bytes: [UInt8], atEOF: Bool = false) throws(HTTPClientError) -> (HTTPResponse, consumed: Int)? {
        guard let headEnd = find([13, 10, 13, 10], in: bytes, from: 0) else {
            if bytes.count > maximumHeadBytes {
                throw .malformed("the header section exceeds \(maximumHeadBytes) bytes")
            }
            if atEOF { throw bytes.isEmpty ? .closed : .malformed("the connection closed inside the header section") }
            return nil
        }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        let words = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard words.count >= 2, words[0].hasPrefix("HTTP/1."), words[1].count == 3, let status = Int(words[1]) else {
            throw .malformed("bad status line \"\(statusLine)\"")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("bad header line \"\(line)\"") }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        let connection = headers["connection"]?.lowercased() ?? ""
        let keepAlive = words[0] == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
        let bodyStart = headEnd + 4
        var response = HTTPResponse(status: status, headers: headers, body: [], keepAlive: keepAlive)

        if (100..<200).contains(status) || status == 204 || status == 304 {
            return (response, bodyStart)
        }
        if let coding = headers["transfer-encoding"], coding.lowercased().contains("chunked") {
            guard let (body, end) = try dechunk(bytes, from: bodyStart, atEOF: atEOF) else { return nil }
            response.body = body
            return (response, end)
        }
        if let text = headers["content-length"] {
            guard let length = Int(text), length >= 0 else { throw .malformed("bad Content-Length \"\(text)\"") }
            guard bytes.count - bodyStart >= length else {
                if atEOF { throw .malformed("the connection closed inside the body") }
                return nil
            }
            response.body = Array(bytes[bodyStart..<bodyStart + length])
            return (response, bodyStart + length)
        }
        // No framing: the body runs to the end of the connection.
        guard atEOF else { return nil }
        response.keepAlive = false
        response.body = Array(bytes[bodyStart...])
        return (response, bytes.count)
    }

    /// A chunked body: hex size lines (extensions after `;` ignored), data, a zero chunk, optional
    /// trailers and an empty line. Returns the body and the index just after it.
    private static func dechunk(_ bytes: [UInt8], from start: Int, atEOF: Bool) throws(HTTPClientError)
        -> ([UInt8], Int)?
    {
        var body: [UInt8] = []
        var position = start
        func incomplete() throws(HTTPClientError) -> ([UInt8], Int)? {
            if atEOF { throw .malformed("the connection closed inside a chunked body") }
            return nil
        }
        while true {
            guard let lineEnd = find([13, 10], in: bytes, from: position) else { return try incomplete() }
            let line = String(decoding: bytes[position..<lineEnd], as: UTF8.self)
            let sizeText = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingSpaces()
            guard !sizeText.isEmpty, let size = Int(sizeText, radix: 16), size >= 0 else {
                throw .malformed("bad chunk size \"\(line)\"")
            }
            position = lineEnd + 2
            if size == 0 {
                // Trailers, each ended by CRLF, then the empty line.
                while true {
                    guard let end = find([13, 10], in: bytes, from: position) else { return try incomplete() }
                    let isEmpty = end == position
                    position = end + 2
                    if isEmpty { return (body, position) }
                }
            }
            guard bytes.count >= position + size + 2 else { return try incomplete() }
            body += bytes[position..<position + size]
            guard bytes[position + size] == 13, bytes[position + size + 1] == 10 else {
                throw .malformed("a chunk is not followed by CRLF")
            }
            position += size + 2
        }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0] && bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
