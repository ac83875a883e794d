import PostgresNIO

extension PostgresClient.Configuration {
    /// The same server and credentials, for one connection outside the pool.
    ///
    /// The outbox relay holds its leadership as a session-level advisory lock: it needs a session
    /// of its own whose end (closed, or dropped by the server) releases the lock, and that never
    /// returns to the pool still holding it. TLS is off, as in `DatabaseURL`.
    func dedicatedConnection(connectTimeout: Duration) -> PostgresConnection.Configuration {
        var configuration =
            if let path = unixSocketPath {
                PostgresConnection.Configuration(
                    unixSocketPath: path, username: username, password: password, database: database)
            } else {
                PostgresConnection.Configuration(
                    host: host ?? "127.0.0.1", port: port ?? 5432, username: username, password: password,
                    database: database, tls: .disable)
            }
        let (seconds, attoseconds) = connectTimeout.components
        configuration.options.connectTimeout = .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        return configuration
    }
}
