import Foundation

#if canImport(Glibc)
    import Glibc
    private let streamSocket = Int32(SOCK_STREAM.rawValue)
    private let noSignal = Int32(MSG_NOSIGNAL)
#elseif canImport(Darwin)
    import Darwin
    private let streamSocket = SOCK_STREAM
    private let noSignal: Int32 = 0
#endif

/// A blocking HTTP/1.1 GET client on one kept-alive TCP connection, used by one thread only.
///
/// The benchmarks time the query service to a fraction of a millisecond, and URLSession on Linux
/// adds milliseconds of its own; this client writes the request, reads the answer and nothing
/// else (TCP_NODELAY, no pool, no TLS, no redirects). A kept-alive connection the server has
/// closed meanwhile is reopened once, transparently: GET is safe to repeat.
final class HTTPConnection {
    let endpoint: HTTPEndpoint
    let timeout: Duration
    private var descriptor: Int32 = -1
    private var received: [UInt8] = []

    init(endpoint: HTTPEndpoint, timeout: Duration) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    deinit { close() }

    /// `GET basePath + path` (path with its query string), whatever the status.
    func get(_ path: String) throws(HTTPClientError) -> HTTPResponse {
        let request = Array(
            ("GET \(endpoint.basePath)\(path) HTTP/1.1\r\nHost: \(endpoint.authority)\r\n"
                + "User-Agent: cosmic-bench\r\nAccept: */*\r\n\r\n").utf8)
        let reused = descriptor >= 0
        do {
            return try exchange(request)
        } catch .closed where reused {
            return try exchange(request)  // the server closed the idle connection: once more, anew
        } catch .io where reused {
            return try exchange(request)
        }
    }

    /// Sends `request` exactly as given (a whole HTTP/1.1 request, or anything else) once, and reads
    /// the answer.
    func exchange(raw request: [UInt8]) throws(HTTPClientError) -> HTTPResponse {
        try exchange(request)
    }

    func close() {
        if descriptor >= 0 { closeDescriptor(descriptor) }
        descriptor = -1
        received = []
    }

    private func exchange(_ request: [UInt8]) throws(HTTPClientError) -> HTTPResponse {
        if descriptor < 0 { try open() }
        do {
            try write(request)
            let response = try read()
            if !response.keepAlive { close() }
            return response
        } catch {
            close()
            throw error
        }
    }

    private func open() throws(HTTPClientError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamSocket
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list)
        guard status == 0, let first = list else {
            throw .connect("\(endpoint.authority): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = 0
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            candidate = address.pointee.ai_next
            let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard fd >= 0 else {
                lastError = errno
                continue
            }
            if connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 {
                configure(fd)
                descriptor = fd
                received = []
                return
            }
            lastError = errno
            closeDescriptor(fd)
        }
        throw .connect("\(endpoint.authority): \(String(cString: strerror(lastError)))")
    }

    /// No Nagle delay (a request is one small write), and send and receive bounded by the timeout.
    private func configure(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Linux delays ACKs by up to 40 ms; a server that writes a response in several small
    /// segments with Nagle on would then wait for that ACK. Quick ACK mode ends by itself, so it
    /// is asked for before every read.
    private func acknowledgeAtOnce() {
        #if os(Linux)
            var one: Int32 = 1
            _ = setsockopt(
                descriptor, Int32(IPPROTO_TCP), Int32(TCP_QUICKACK), &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    private func write(_ bytes: [UInt8]) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { buffer in
                send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, noSignal)
            }
            if sent >= 0 {
                offset += sent
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                throw .timeout
            } else if errno == EPIPE || errno == ECONNRESET {
                throw .closed
            } else {
                throw .io(String(cString: strerror(errno)))
            }
        }
    }

    private func read() throws(HTTPClientError) -> HTTPResponse {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            if let (response, consumed) = try HTTPResponseParser.parse(received) {
                received.removeFirst(consumed)
                return response
            }
            acknowledgeAtOnce()
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[..<count]
            } else if count == 0 {
                guard let (response, _) = try HTTPResponseParser.parse(received, atEOF: true) else { throw .closed }
                received = []
                return HTTPResponse(
                    status: response.status, headers: response.headers, body: response.body, keepAlive: false)
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                throw .timeout
            } else if errno == ECONNRESET {
                throw .closed
            } else {
                throw .io(String(cString: strerror(errno)))
            }
        }
    }
}

/// The C `close`, which `HTTPConnection.close()` hides inside the class.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
