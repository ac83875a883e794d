import PostgresNIO

/// The database as the service reaches it: the pool's configuration, and the TLS of the sessions
/// kept outside the pool (the relay's and the availability probe's), the same as the pool's.
public struct DatabaseSettings: Sendable {
    public var pool: PostgresClient.Configuration
    let sessionTLS: PostgresConnection.Configuration.TLS

    /// The same server, credentials, TLS and planner settings, for one connection outside the pool.
    ///
    /// The outbox relay holds its leadership as a session-level advisory lock: it needs a session
    /// of its own whose end (closed, or dropped by the server) releases the lock, and that never
    /// returns to the pool still holding it.
    func dedicatedConnection(connectTimeout: Duration) -> PostgresConnection.Configuration {
        var configuration =
            if let path = pool.unixSocketPath {
                PostgresConnection.Configuration(
                    unixSocketPath: path, username: pool.username, password: pool.password, database: pool.database)
            } else {
                PostgresConnection.Configuration(
                    host: pool.host ?? "127.0.0.1", port: pool.port ?? 5432, username: pool.username,
                    password: pool.password, database: pool.database, tls: sessionTLS)
            }
        configuration.options.additionalStartupParameters = pool.options.additionalStartupParameters
        let (seconds, attoseconds) = connectTimeout.components
        configuration.options.connectTimeout = .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        return configuration
    }
}
