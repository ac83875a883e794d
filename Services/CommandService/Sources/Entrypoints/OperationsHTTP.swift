import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// What `GET /health` answers: enough for an operator (or an orchestrator's probe) to tell a
/// healthy instance from one whose database is gone or whose outbox is falling behind.
public struct HealthReport: Codable, Sendable, Equatable {
    /// `starting`, `serving` or `shutting_down`.
    public var state: String
    public var databaseReachable: Bool
    /// Whether this instance's relay is the one publishing events.
    public var relayLeader: Bool
    /// The event log's head position; null when the database did not answer.
    public var head: Int?
    /// The last position published on the PUB socket (by whichever instance leads).
    public var published: Int?
    /// Events committed but not yet published.
    public var unpublished: Int?
    /// The last position the policy reactor has reacted to; null when this instance runs none.
    public var policyPosition: Int?
    /// Seconds from an event's commit to its reaction's commit, for the latest reaction (null before one).
    public var policyLagSeconds: Double?

    /// Healthy means serving with a reachable database; the HTTP status is 200, else 503.
    public var isHealthy: Bool { state == ServiceState.Phase.serving.rawValue && databaseReachable }

    enum CodingKeys: String, CodingKey {
        case state, databaseReachable = "database_reachable", relayLeader = "relay_leader", head, published
        case unpublished, policyPosition = "policy_position", policyLagSeconds = "policy_lag_seconds"
    }

    public init(
        state: String, databaseReachable: Bool, relayLeader: Bool, head: Int?, published: Int?, unpublished: Int?,
        policyPosition: Int? = nil, policyLagSeconds: Double? = nil
    ) {
        self.policyPosition = policyPosition
        self.policyLagSeconds = policyLagSeconds
        self.state = state
        self.databaseReachable = databaseReachable
        self.relayLeader = relayLeader
        self.head = head
        self.published = published
        self.unpublished = unpublished
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(databaseReachable, forKey: .databaseReachable)
        try container.encode(relayLeader, forKey: .relayLeader)
        try container.encode(head, forKey: .head)
        try container.encode(published, forKey: .published)
        try container.encode(unpublished, forKey: .unpublished)
        try container.encode(policyPosition, forKey: .policyPosition)
        try container.encode(policyLagSeconds, forKey: .policyLagSeconds)
    }
}

/// The operations endpoint: `GET /health` (JSON) and `GET /metrics` (Prometheus text).
enum OperationsHTTP {
    static func application(
        host: String, port: Int, health: @escaping @Sendable () async -> HealthReport, metrics: ServiceMetrics,
        onBound: @escaping @Sendable (Int) -> Void, logger: Logger
    ) -> some Service {
        let router = Router()
        router.get("health") { _, _ -> Response in
            let report = await health()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = (try? encoder.encode(report)) ?? Data("{}".utf8)
            return Response(
                status: report.isHealthy ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
        return Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                guard let port = channel.localAddress?.port else { return }
                // The port it got, which is news when it asked for port 0 (as the query service logs it).
                logger.info(
                    "HTTP listening", metadata: ["address": "http://\(channel.localAddress?.ipAddress ?? host):\(port)"]
                )
                onBound(port)
            },
            logger: logger)
    }

    /// Reads `host:port` (`[::1]:8081` for IPv6).
    static func parseAddress(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw ConfigurationError("expected host:port for the HTTP address, got \(text)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ConfigurationError("the HTTP address \(text) has no host") }
        return (host, port)
    }
}

/// A setting that cannot work, reported before anything starts.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
