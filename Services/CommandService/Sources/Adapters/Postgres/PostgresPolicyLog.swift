import Contracts
import Logging
import PostgresNIO

/// The policy reactor's view of PostgreSQL: positioned events, and its row in `policy_checkpoints`.
public struct PostgresPolicyLog: PolicyLog {
    static let name = "reactor"
    let client: any ConnectionSource
    let events: PostgresEventLog
    let logger: Logger
    let window: Int

    /// - Parameter window: how many positions one read looks through at most: a range scan of the
    ///   position index that steps over other types without reading their payloads.
    public init(client: any ConnectionSource, logger: Logger, window: Int = 20_000) {
        precondition(window >= 1)
        self.window = window
        self.client = client
        self.events = PostgresEventLog(client: client, logger: logger)
        self.logger = logger
    }

    public func events(after position: Int, ofTypes types: [EventType], limit: Int) async throws -> PolicyLogPage {
        // Every position up to the head is committed and visible: the head moves in the
        // transaction that numbers events.
        let head = try await events.head()
        let end = min(head, position + window)
        guard end > position else { return PolicyLogPage(events: [], through: position, atHead: true) }
        let found = try await client.withConnection { connection in
            try await PostgresEventLog.envelopes(
                connection.checkedQuery(
                    """
                    SELECT \(unescaped: EventRecord.selection) FROM event_log
                    WHERE position > \(position) AND position <= \(end) AND type = ANY(\(types.map(\.rawValue)))
                    ORDER BY position LIMIT \(limit)
                    """, logger: logger))
        }
        let through = found.count == limit ? found.last!.position : end
        return PolicyLogPage(events: found, through: through, atHead: through == head)
    }

    public func checkpoint() async throws -> Int {
        try await client.withConnection { connection in
            let rows = try await connection.checkedQuery(
                "SELECT position FROM policy_checkpoints WHERE policy = \(Self.name)", logger: logger)
            for try await position in rows.decode(Int.self) { return position }
            return 0
        }
    }

    public func saveCheckpoint(_ position: Int) async throws {
        _ = try await client.withConnection { connection in
            try await connection.checkedQuery(
                """
                INSERT INTO policy_checkpoints (policy, position) VALUES (\(Self.name), \(position))
                ON CONFLICT (policy) DO UPDATE SET position = GREATEST(policy_checkpoints.position, EXCLUDED.position)
                """, logger: logger)
        }
    }
}
