import Logging
import PostgresNIO

/// Where the adapters lease their PostgreSQL connections: the service's ``DatabasePool``, or a
/// plain `PostgresClient` (the tests' and tools' choice).
///
/// One requirement, so that everything that talks to PostgreSQL through a pool goes through
/// whatever the pool does around a lease: a connection is leased for `body`'s lifetime only.
public protocol ConnectionSource: Sendable {
    func withConnection<T: Sendable>(
        _ body: nonisolated(nonsending) (PostgresConnection) async throws -> T
    ) async throws -> T
}

extension PostgresClient: ConnectionSource {}

extension ConnectionSource {
    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    ///
    /// A failed `BEGIN` or `COMMIT` surfaces as `UnitOfWorkError.unavailable`: after a failed
    /// `COMMIT` the transaction may have committed, and only a retry can tell (DESIGN invariant 9).
    func withTransaction<T: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            do {
                try await connection.checkedQuery("BEGIN", logger: logger)
            } catch {
                throw UnitOfWorkError.unavailable("the transaction could not begin: \(PostgresErrors.describe(error))")
            }
            let result: T
            do {
                result = try await body(connection)
            } catch {
                _ = try? await connection.checkedQuery("ROLLBACK", logger: logger)
                throw error
            }
            do {
                try await connection.checkedQuery("COMMIT", logger: logger)
            } catch {
                throw UnitOfWorkError.unavailable("the transaction could not commit: \(PostgresErrors.describe(error))")
            }
            return result
        }
    }

}
