import Logging
import PostgresNIO

extension PostgresConnection {
    /// Throws instead of letting a statement go to a connection that is closed.
    ///
    /// PostgresNIO writes a statement to its channel without a write promise: once the channel has
    /// closed and its handlers are gone, the statement is dropped and never completed, and its
    /// caller would wait for good while holding its pool lease. Under PostgreSQL restarts, before
    /// this check, units of work were seen holding a lease through every later restart. Checked on
    /// the connection's event loop (where units of work run, `ConnectionExecutor`), the statement is
    /// then written in the same turn, so the check cannot race the close; elsewhere it narrows the
    /// window to a few instructions.
    func checkOpen() throws {
        if isClosed { throw UnitOfWorkError.unavailable("the connection to the database is closed") }
    }
}

extension PostgresConnection {
    /// `query(_:logger:)`, refused at once when the connection is closed (see `checkOpen()`).
    @discardableResult
    func checkedQuery(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try checkOpen()
        return try await self.query(query, logger: logger)
    }
}
