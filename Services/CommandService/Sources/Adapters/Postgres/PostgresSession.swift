import Logging
import PostgresNIO

/// A unit of work's connection, with the transaction it opens only when first needed.
///
/// A command alone opens it at once (its reads lock). A group reads everything in one statement
/// without locks and writes everything in one statement, which then commits as it ends: no
/// `BEGIN`, no `COMMIT`, two round trips in all (`Statements.ReadAhead`, `Statements.Flush`), or
/// the flush alone when its products are cached (`ProductCache`).
final class PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    private var inTransaction = false

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Opens the transaction, unless it is open already.
    func begin() async throws {
        guard !inTransaction else { return }
        try await connection.checkedQuery("BEGIN", logger: logger)
        inTransaction = true
    }

    /// Ends the transaction: committed, or (`commit` false) rolled back.
    func end(commit: Bool) async throws {
        guard inTransaction else { return }
        if commit {
            try await connection.checkedQuery("COMMIT", logger: logger)
            inTransaction = false
        } else {
            inTransaction = false
            try await connection.checkedQuery("ROLLBACK", logger: logger)
        }
    }
}
