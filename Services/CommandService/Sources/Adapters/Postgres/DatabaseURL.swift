import Foundation
import NIOSSL
import PostgresNIO

/// Reads `postgres://user[:password]@host[:port]/database[?sslmode=…&sslrootcert=…]` into
/// PostgresNIO's configuration.
///
/// `sslmode` means what it means to libpq: `disable` (the default here: the services talk to a
/// database on the same host or a private network), `prefer` (TLS when the server offers it),
/// `require` (TLS always, the certificate not checked), `verify-ca` (TLS with a certificate
/// signed by `sslrootcert`, or by the system's roots without it) and `verify-full` (that, and the
/// certificate names the host).
///
/// Its connections plan each prepared statement once (`plan_cache_mode = force_generic_plan`):
/// left to choose, PostgreSQL planned a group's array-bound reads afresh on every execution, since
/// a custom plan for the actual array length looks a little cheaper than the generic one. That
/// planning was ~1.2 ms of every group's round. `Statements` are written so that their generic
/// plans reach every table by index; statements sent unprepared are planned per execution anyway.
///
/// A plan made once is kept until the table's statistics change, so it must not depend on how big
/// the tables were when it was made: with `enable_seqscan = off` it never scans a table whole. Left
/// on, a fresh database's first plans (its tables empty, or vacuumed while small) read `allocations`,
/// `batches` and the event log whole, and kept doing so as they grew until autovacuum's next
/// `ANALYZE`: a fresh service allocated at a third of its speed for its first minutes.
public enum DatabaseURL {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public static let sslModes = ["disable", "prefer", "require", "verify-ca", "verify-full"]

    /// The planner settings of every pooled connection (see above); the pgbench ceilings use them too
    /// (`PgbenchScript` names them in its scripts, and `scripts/bench/allocate` passes them on).
    public static let plannerSettings = [("plan_cache_mode", "force_generic_plan"), ("enable_seqscan", "off")]

    public static func settings(_ text: String) throws -> DatabaseSettings {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? ""),
            let host = url.host, !host.isEmpty, let user = url.user, !user.isEmpty
        else {
            throw Invalid(description: "expected postgres://user[:password]@host[:port]/database, got \(text)")
        }
        var parameters: [String: String] = [:]
        for item in url.queryItems ?? [] { parameters[item.name] = item.value ?? "" }
        let unknown = Set(parameters.keys).subtracting(["sslmode", "sslrootcert"])
        guard unknown.isEmpty else {
            throw Invalid(
                description:
                    "unknown database URL parameter \(unknown.sorted().joined(separator: ", ")) (known: sslmode, sslrootcert)"
            )
        }
        let mode = parameters["sslmode"] ?? "disable"
        guard sslModes.contains(mode) else {
            throw Invalid(description: "sslmode must be one of \(sslModes.joined(separator: ", ")), got \(mode)")
        }
        let tls = try tlsConfiguration(mode: mode, rootCertificate: parameters["sslrootcert"])
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        var pool = PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: user, password: url.password,
            database: database.isEmpty ? nil : database,
            tls: tls.map { mode == "prefer" ? .prefer($0) : .require($0) } ?? .disable)
        pool.options.additionalStartupParameters = plannerSettings
        let session: PostgresConnection.Configuration.TLS =
            try tls.map {
                let context = try NIOSSLContext(configuration: $0)
                return mode == "prefer" ? .prefer(context) : .require(context)
            } ?? .disable
        return DatabaseSettings(pool: pool, sessionTLS: session)
    }

    private static func tlsConfiguration(mode: String, rootCertificate: String?) throws -> TLSConfiguration? {
        guard mode != "disable" else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case "verify-full": tls.certificateVerification = .fullVerification
        case "verify-ca": tls.certificateVerification = .noHostnameVerification
        default: tls.certificateVerification = .none
        }
        if let rootCertificate, mode.hasPrefix("verify") {
            guard FileManager.default.isReadableFile(atPath: rootCertificate) else {
                throw Invalid(description: "sslrootcert \(rootCertificate) cannot be read")
            }
            tls.trustRoots = .file(rootCertificate)
        }
        return tls
    }
}
