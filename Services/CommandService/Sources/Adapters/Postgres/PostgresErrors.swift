import PostgresNIO

/// Turns PostgreSQL's failures into the service layer's: lost races are conflicts (the message bus
/// re-runs the command), a database that cannot be reached or answer is unavailable (the client
/// retries with the same command id); domain and service errors pass through.
///
/// A failed `BEGIN`, `COMMIT` or `ROLLBACK` always reads as unavailable: after a failed `COMMIT` the
/// transaction may have committed, and a reply must never hide a commit (DESIGN invariant 9).
enum PostgresErrors {
    static func classify(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError { return classify(inner) }
            return UnitOfWorkError.unavailable(describe(transaction))
        }
        // PostgresNIO's pool fails waiting requests with its own error type once it gives up
        // connecting (its circuit breaker); that module is not ours to import, so match the name.
        if String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError") {
            return UnitOfWorkError.unavailable("\(error)")
        }
        guard let error = error as? PSQLError else { return error }
        if let state = error.serverInfo?[.sqlState] {
            switch state {
            case "23505", "40001", "40P01":  // unique_violation, serialization_failure, deadlock_detected
                return UnitOfWorkError.conflict(error.serverInfo?[.message] ?? state)
            case let state
            where state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57") || state.hasPrefix("58"):
                // connection exception, insufficient resources, operator intervention (shutdown,
                // cancel, statement timeout), system error
                return UnitOfWorkError.unavailable(error.serverInfo?[.message] ?? state)
            default:
                return error
            }
        }
        switch error.code {
        case .server:
            return error
        default:
            // Everything that is not the server's answer to a statement — the connection refused,
            // closed or broken, the pool closed, a timeout, a message the client could not read —
            // leaves the statement's fate unknown to us: retryable, never a bug to report.
            return UnitOfWorkError.unavailable("\(error.code)")
        }
    }

    /// What an operator needs to read of a failure: for PostgreSQL's, its SQLSTATE and message.
    /// PostgresNIO describes every `PSQLError` with one fixed text ("Generic description to prevent
    /// accidental leakage of sensitive data"), so logging one with `"\(error)"` tells nothing.
    static func describe(_ error: any Error) -> String {
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError { return describe(inner) }
            let failed = transaction.commitError ?? transaction.beginError ?? transaction.rollbackError
            return "the transaction could not complete: \(failed.map(describe) ?? "?")"
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        guard let state = error.serverInfo?[.sqlState] else { return "\(error.code)" }
        return "\(state): \(error.serverInfo?[.message] ?? "no message")"
    }
}
