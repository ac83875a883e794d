import Contracts
import Logging
import PostgresNIO

/// The policy reactor's view of PostgreSQL: positioned events, and its row in `policy_checkpoints`.
public struct PostgresPolicyLog: PolicyLog {
    static let name = "reactor"
    let client: any ConnectionSource
    let events: PostgresEventLog
    let logger: Logger

    public init(client: any ConnectionSource, logger: Logger) {
        self.client = client
        self.events = PostgresEventLog(client: client, logger: logger)
        self.logger = logger
    }

    public func events(after position: Int, limit: Int) async throws -> [EventEnvelope] {
        try await events.events(from: position + 1, limit: limit)
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
