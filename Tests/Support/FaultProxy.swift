import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP proxy in front of PostgreSQL that breaks connections on cue, for fault-injection tests.
///
/// It listens on a loopback port the system picks and forwards every connection to the upstream.
/// Armed with a trigger (bytes a client sends, e.g. the text of one statement), it breaks the
/// connection that sends them: `.beforeForwarding` drops the request unsent, `.afterAnswer` forwards
/// it, swallows the server's answer up to its ReadyForQuery, and then breaks the connection — the
/// statement ran and committed, and the client never hears so. Each connection is pumped by plain
/// threads with blocking sockets; nothing here touches Swift's cooperative pool.
public final class FaultProxy: Sendable {
    public enum Cut: Sendable {
        case beforeForwarding
        case afterAnswer
    }

    public let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let trigger = Mutex<(bytes: [UInt8], cut: Cut, remaining: Int)?>(nil)
    private let cuts = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let sockets = Mutex<Set<Int32>>([])

    /// Listens on 127.0.0.1 and forwards to `upstreamPort` on 127.0.0.1.
    public init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw ProxyError("cannot listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "fault-proxy-accept"
        thread.start()
    }

    /// A URL like `url` (a `postgres://` URL on the upstream) that goes through this proxy instead.
    public func url(replacingPortOf url: String) -> String {
        var components = URLComponents(string: url)!
        components.port = port
        return components.string!
    }

    /// Breaks the next `times` connections that send `bytes` (`Int.max`: every one until disarmed).
    public func arm(on bytes: String, cut: Cut, times: Int = 1) {
        trigger.withLock { $0 = (Array(bytes.utf8), cut, times) }
    }

    public func disarm() { trigger.withLock { $0 = nil } }

    /// How many connections the proxy has broken so far.
    public var cutCount: Int { cuts.load(ordering: .relaxed) }

    /// Stops listening and closes every connection.
    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for socket in sockets.withLock({ $0 }) { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    deinit { stop() }

    // MARK: Pumping

    private func acceptLoop() {
        while !stopped.load(ordering: .relaxed) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                close(client)
                close(server)
                continue
            }
            sockets.withLock {
                $0.insert(client)
                $0.insert(server)
            }
            let connection = Connection(client: client, server: server)
            let upstream = Thread { [self] in pumpToServer(connection) }
            upstream.name = "fault-proxy-up"
            upstream.start()
            let downstream = Thread { [self] in pumpToClient(connection) }
            downstream.name = "fault-proxy-down"
            downstream.start()
        }
    }

    /// One proxied connection's state, shared by its two pumps.
    private final class Connection: Sendable {
        let client: Int32
        let server: Int32
        /// Set once the client sent the trigger with `.afterAnswer`: the server's answer is swallowed.
        let doomed = Atomic<Bool>(false)
        let closed = Atomic<Bool>(false)

        init(client: Int32, server: Int32) {
            self.client = client
            self.server = server
        }
    }

    private func pumpToServer(_ connection: Connection) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var recent: [UInt8] = []
        while true {
            let count = read(connection.client, &buffer, buffer.count)
            guard count > 0 else { return breakConnection(connection) }
            let chunk = buffer[0..<count]
            recent = Array((recent + chunk).suffix(count + 256))
            if let cut = fire(on: recent) {
                recent = []
                cuts.add(1, ordering: .relaxed)
                switch cut {
                case .beforeForwarding: return breakConnection(connection)
                case .afterAnswer: connection.doomed.store(true, ordering: .relaxed)
                }
            }
            guard send(connection.server, chunk) else { return breakConnection(connection) }
        }
    }

    private func pumpToClient(_ connection: Connection) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var swallowed: [UInt8] = []
        while true {
            let count = read(connection.server, &buffer, buffer.count)
            guard count > 0 else { return breakConnection(connection) }
            let chunk = buffer[0..<count]
            if connection.doomed.load(ordering: .relaxed) {
                // ReadyForQuery ('Z', length 5, status): the statement has completed — committed,
                // outside a transaction block — and the client will never hear it.
                swallowed += chunk
                if Self.containsReadyForQuery(swallowed) { return breakConnection(connection) }
                continue
            }
            guard send(connection.client, chunk) else { return breakConnection(connection) }
        }
    }

    private func fire(on recent: [UInt8]) -> Cut? {
        trigger.withLock { trigger -> Cut? in
            guard let armed = trigger, armed.remaining > 0, Self.contains(recent, armed.bytes) else { return nil }
            trigger =
                armed.remaining == 1
                ? nil : (armed.bytes, armed.cut, armed.remaining == .max ? .max : armed.remaining - 1)
            return armed.cut
        }
    }

    private func breakConnection(_ connection: Connection) {
        guard !connection.closed.exchange(true, ordering: .relaxed) else { return }
        sockets.withLock {
            $0.remove(connection.client)
            $0.remove(connection.server)
        }
        shutdown(connection.client, Int32(SHUT_RDWR))
        shutdown(connection.server, Int32(SHUT_RDWR))
        close(connection.client)
        close(connection.server)
    }

    private func send(_ socket: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    private static func containsReadyForQuery(_ bytes: [UInt8]) -> Bool {
        contains(bytes, [UInt8(ascii: "Z"), 0, 0, 0, 5])
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

struct ProxyError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
