import Foundation
import PostgresNIO

/// Reads `postgres://user[:password]@host[:port]/database` into PostgresNIO's configuration.
/// TLS is off: the services talk to a database on the same host or a private network.
///
/// Its connections plan each prepared statement once (`plan_cache_mode = force_generic_plan`):
/// left to choose, PostgreSQL planned a group's array-bound reads afresh on every execution, since
/// a custom plan for the actual array length looks a little cheaper than the generic one. That
/// planning was ~1.2 ms of every group's round. `Statements` are written so that their generic
/// plans reach every table by index; statements sent unprepared are planned per execution anyway.
public enum DatabaseURL {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public static func configuration(_ text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? ""),
            let host = url.host, !host.isEmpty, let user = url.user, !user.isEmpty
        else {
            throw Invalid(description: "expected postgres://user[:password]@host[:port]/database, got \(text)")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        var configuration = PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: user, password: url.password,
            database: database.isEmpty ? nil : database, tls: .disable)
        configuration.options.additionalStartupParameters = [("plan_cache_mode", "force_generic_plan")]
        return configuration
    }
}
