import Logging

extension Logger.MetadataValue {
    /// An error as our logs show it: PostgreSQL's failures by SQLSTATE and message
    /// (`PostgresErrors.describe`), not by PostgresNIO's one generic text for all of them.
    public static func error(_ error: any Error) -> Self {
        .string(PostgresErrors.describe(error))
    }
}
