import Logging
import ServiceLifecycle

/// `--insecure` with sockets other machines can reach: said at start and again every minute, so
/// nobody runs a plaintext, unauthenticated service on a network by accident for long.
struct InsecureWarning: Service {
    let endpoints: [String]
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            logger.warning(
                "INSECURE: plaintext sockets without authentication, reachable from other machines; anyone who reaches them can send commands and read every event",
                metadata: ["endpoints": "\(endpoints.joined(separator: ", "))"])
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
        }
    }
}
