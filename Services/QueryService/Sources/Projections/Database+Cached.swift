import GRDB

extension Database {
    /// Runs `sql` through GRDB's statement cache: projections run the same few statements for every
    /// event, and parsing them each time would cost more than executing them.
    func run(_ sql: String, _ arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
