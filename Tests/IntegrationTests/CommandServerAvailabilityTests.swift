import CommandService
import Contracts
import Foundation
import PostgresNIO
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A database that cannot be reached gives a retryable `unavailable` promptly, never a hang, and the
/// service recovers by itself when the database is back. Also `/health` and `/metrics`.
@Suite struct CommandServerAvailabilityTests {
    @Test func aDatabaseThatIsNotThereGivesUnavailablePromptly() async throws {
        // A port nothing listens on, held for the whole test so that nobody else can start to.
        let nothing = try UnlistenedPort()
        defer { withExtendedLifetime(nothing) {} }
        let url = "postgres://cosmic@127.0.0.1:\(nothing.port)/nothing"
        try await ServiceHarness.withService(
            url, waitUntilServing: false, configure: { $0.commandTimeout = .seconds(1) }
        ) { app in
            let client = try TestDealer(app.commandEndpoint)
            let started = ContinuousClock.now
            let reply = try await client.command(Wire.createBatch("c1", ref: "b1", sku: "S", qty: 1))
            #expect(ContinuousClock.now - started < Self.prompt)
            #expect(reply.status == .error && reply.error?.code == .unavailable && reply.error?.retryable == true)
            #expect(reply.commandID == "c1")

            let replay = try TestDealer(app.replayEndpoint)
            guard case .failure(let error) = try await replay.replay(#"{"from": 1}"#) else {
                Issue.record("replay answered without a database")
                return
            }
            #expect(error.code == .unavailable)

            let health = try await HTTP.get(app, "/health")
            #expect(health.status == 503)
            let report = try JSONDecoder().decode(HealthReport.self, from: health.body)
            #expect(report.databaseReachable == false && report.head == nil)
        }
    }

    @Test func losingTheDatabaseGivesUnavailablePromptlyAndTheServiceRecovers() async throws {
        try await ServiceHarness.withDatabase { url in
            let name = String(url.split(separator: "/").last!)
            try await ServiceHarness.withService(url, configure: { $0.commandTimeout = .seconds(1) }) { app in
                let client = try TestDealer(app.commandEndpoint)
                // With a one-second timeout a busy machine may need a retry (same id, so it is safe).
                _ = try await eventually("the batch is created") {
                    try await client.command(Wire.createBatch("c1", ref: "b1", sku: "S", qty: 100)).status == .ok
                        ? true : nil
                }

                // The database goes away: it takes no connections, and the open ones are dropped.
                try await Self.admin(url, "ALTER DATABASE \(name) WITH ALLOW_CONNECTIONS false")
                try await Self.admin(
                    url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)'")

                for attempt in 0..<3 {
                    let started = ContinuousClock.now
                    let reply = try await client.command(
                        Wire.allocate("down-\(attempt)", order: "o\(attempt)", sku: "S", qty: 1))
                    #expect(ContinuousClock.now - started < Self.prompt, "attempt \(attempt) took too long")
                    #expect(reply.error?.code == .unavailable && reply.error?.retryable == true, "\(reply)")
                }
                let down = try await HTTP.get(app, "/health")
                #expect(down.status == 503)

                try await Self.admin(url, "ALTER DATABASE \(name) WITH ALLOW_CONNECTIONS true")
                // The client retries with the same id, as the protocol says, until it goes through.
                let recovered = try await eventually(
                    "the service recovers", timeout: .seconds(60), interval: .milliseconds(200)
                ) {
                    let reply = try await client.command(Wire.allocate("down-0", order: "o0", sku: "S", qty: 1))
                    return reply.status == .ok ? reply : nil
                }
                #expect(recovered == .ok(commandID: "down-0", result: .allocated(to: "b1"), position: 2))
                let health = try await eventually("health says healthy", timeout: .seconds(30)) {
                    let response = try await HTTP.get(app, "/health")
                    let report = try JSONDecoder().decode(HealthReport.self, from: response.body)
                    return response.status == 200 && report.relayLeader && report.unpublished == 0 ? report : nil
                }
                #expect(health.head == 2 && health.published == 2 && health.state == "serving")
            }
        }
    }

    @Test func healthAndMetricsDescribeTheService() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let client = try TestDealer(app.commandEndpoint)
                _ = try await client.send(Wire.createBatch("c1", ref: "b1", sku: "S", qty: 1))
                _ = try await client.command(Wire.allocate("c2", order: "o1", sku: "NOPE", qty: 1))
                _ = try await client.command("not json")

                let report = try await eventually("everything is published") {
                    let response = try await HTTP.get(app, "/health")
                    let report = try JSONDecoder().decode(HealthReport.self, from: response.body)
                    return response.status == 200 && report.published == 1 && report.policyPosition == 1 ? report : nil
                }
                #expect(
                    report
                        == HealthReport(
                            state: "serving", databaseReachable: true, relayLeader: true, head: 1, published: 1,
                            unpublished: 0, policyPosition: 1, policyLagSeconds: nil))

                let metrics = String(decoding: try await HTTP.get(app, "/metrics").body, as: UTF8.self)
                for line in [
                    #"cosmic_commands_total{type="CreateBatch",status="ok",outcome="batch_created"} 1"#,
                    #"cosmic_commands_total{type="Allocate",status="rejected",outcome="invalid_sku"} 1"#,
                    #"cosmic_commands_total{type="unknown",status="error",outcome="bad_json"} 1"#,
                    "cosmic_events_published_total 1",
                    "cosmic_relay_leader 1",
                ] {
                    #expect(metrics.contains(line), "missing \(line) in\n\(metrics)")
                }
                #expect(metrics.contains("cosmic_command_duration_seconds_bucket"))
            }
        }
    }

    /// "Promptly": alone, a reply takes the one-second command timeout at most; this bound leaves room
    /// for a machine busy with the whole suite, and is still far below the minute PostgresNIO's pool
    /// keeps a request waiting for a database it cannot reach.
    static let prompt: Duration = .seconds(20)

    static func admin(_ url: String, _ sql: String) async throws {
        var components = URLComponents(string: url)!
        components.path = "/postgres"
        try await TestDatabase.withClient(components.string!, maximumConnections: 1) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: sql), logger: ServiceHarness.logger).collect()
        }
    }
}

/// A tiny HTTP client for the operations endpoint.
enum HTTP {
    struct Response: Sendable {
        let status: Int
        let body: Data
    }

    static func get(_ app: CommandServiceApp, _ path: String) async throws -> Response {
        let port = try await eventually("the HTTP server listens") { app.httpPort }
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }
}
