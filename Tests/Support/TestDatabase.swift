import Foundation
import Logging
import PostgresNIO

/// A throwaway PostgreSQL database per test, on the cluster `scripts/test` starts.
///
/// The cluster's URL comes from `COSMIC_TEST_DATABASE_URL`; each test gets a database of its own,
/// created empty and dropped afterwards, so tests run in parallel without seeing each other.
public enum TestDatabase {
    public struct NotConfigured: Error, CustomStringConvertible {
        public let description =
            "COSMIC_TEST_DATABASE_URL is not set: run the tests with scripts/test, which starts PostgreSQL"
    }

    public static var clusterURL: URL {
        get throws {
            guard let text = ProcessInfo.processInfo.environment["COSMIC_TEST_DATABASE_URL"],
                let url = URL(string: text)
            else { throw NotConfigured() }
            return url
        }
    }

    /// Creates a fresh database, runs `body` with its URL, and drops it.
    public static func withFreshDatabase<T>(_ body: (_ url: String) async throws -> T) async throws -> T {
        let cluster = try clusterURL
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await admin(cluster, "CREATE DATABASE \(name)")
        var components = URLComponents(url: cluster, resolvingAgainstBaseURL: false)!
        components.path = "/" + name
        do {
            let result = try await body(components.string!)
            try await admin(cluster, "DROP DATABASE \(name) WITH (FORCE)")
            return result
        } catch {
            try? await admin(cluster, "DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
    }

    /// A client on `url` whose `run()` is going while `body` runs (PostgresClient needs that).
    public static func withClient<T: Sendable>(
        _ url: String, maximumConnections: Int = 20, _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        var configuration = try configuration(url)
        configuration.options.maximumConnections = maximumConnections
        let client = PostgresClient(configuration: configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    public static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        let components = URLComponents(string: url)!
        return PostgresClient.Configuration(
            host: components.host ?? "127.0.0.1", port: components.port ?? 5432, username: components.user ?? "cosmic",
            password: components.password, database: String(components.path.dropFirst()), tls: .disable)
    }

    private static func admin(_ cluster: URL, _ sql: String) async throws {
        var components = URLComponents(url: cluster, resolvingAgainstBaseURL: false)!
        components.path = "/postgres"
        _ = try await withClient(components.string!, maximumConnections: 1) { client in
            try await client.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test-database"))
        }
    }
}
