import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// Addresses a test owns, so that nothing another test does can answer on them.
//
// Tests run in parallel, and other suites may run on the same machine. A TCP port "picked as free"
// is free only until someone else binds it: a test that stops its peer and then expects silence
// may hear another test's peer on the port it freed (issue 21: a rebuild found another test's
// replay socket on the port its stopped upstream had released). So a test never relies on a port
// being free; it uses addresses nobody else can take:
//
// - `EndpointFolder`: a folder of the test's own (made by `mkdtemp`), handing out `ipc://`
//   endpoints inside it. Only this test knows the path, a restart binds the very same path again,
//   and once the owner is stopped nothing can listen there.
// - `EndpointFolder.nobody`: an endpoint in that folder that nothing ever binds.
// - `UnlistenedPort`: a loopback TCP port held by a socket that is bound and never listens:
//   connecting to it is refused, and while it is held nobody else can bind it or be given it as an
//   ephemeral port.
// - HTTP servers bind port 0 and report the port the system gave them (see
//   `ChildProcess.waitForLog(matching:deadline:)`).

/// A temporary folder of one test's own, handing out `ipc://` endpoints inside it; removed with
/// everything in it by `remove()` or when dropped.
public final class EndpointFolder: Sendable {
    /// The folder's path: short, because an ipc path must fit a Unix socket address (107 bytes).
    public let path: String

    public init() throws {
        // Under /tmp rather than $TMPDIR, which may be long.
        var template = Array("/tmp/cosmic-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw AddressError("mkdtemp failed: errno \(errno)") }
        path = String(cString: made)
    }

    deinit { remove() }

    /// `ipc://<folder>/<name>`: the same endpoint for the same name, so a peer restarted with it
    /// comes back exactly where its clients look.
    public func endpoint(_ name: String) -> String {
        let file = file(name)
        precondition(file.utf8.count < 108, "ipc path too long for a Unix socket: \(file)")
        return "ipc://" + file
    }

    /// A path in the folder, for a log or a database that should go away with it.
    public func file(_ name: String) -> String { path + "/" + name }

    /// An endpoint that nothing binds, ever: a peer connecting there finds nobody.
    public var nobody: String { endpoint("nobody") }

    /// Removes the folder and everything in it (idempotent).
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body` with a new endpoint folder, removed afterwards whatever happens.
public func withEndpointFolder<T>(_ body: (EndpointFolder) async throws -> T) async throws -> T {
    let folder = try EndpointFolder()
    defer { folder.remove() }
    return try await body(folder)
}

/// A loopback TCP port that nothing listens on, for as long as this is held: a socket bound to it
/// (without `SO_REUSEADDR`) that never listens. Connections to it are refused; other sockets cannot
/// bind it, and the kernel does not hand it out as a connection's local port. Keep it alive for as
/// long as the address must stay silent (`defer { withExtendedLifetime(port) {} }`).
public final class UnlistenedPort: Sendable {
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw AddressError("socket failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw AddressError("bind failed: errno \(errno)")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }

    /// The same port as a ZeroMQ endpoint.
    public var tcpEndpoint: String { "tcp://127.0.0.1:\(port)" }
}

struct AddressError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
