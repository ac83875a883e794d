import CommandService
import Logging
import PostgresNIO
import Testing

@Suite struct MigrationTests {
    @Test func migrationsRunTwiceAndConcurrentlyWithoutHarm() async throws {
        try await withMigratedDatabase { client in
            let logger = Logger(label: "test")
            try await Migrations.apply(on: client, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { try await Migrations.apply(on: client, logger: logger) } }
                try await group.waitForAll()
            }
            var versions: [Int] = []
            for try await version in try await client.query(
                "SELECT version FROM schema_migrations ORDER BY version", logger: logger
            ).decode(Int.self) { versions.append(version) }
            #expect(versions == Array(1...versions.count))
            #expect(try await PostgresEventLog(client: client, logger: logger).head() == 0)
        }
    }

    @Test func concurrentFirstRunsOnAnEmptyDatabase() async throws {
        try await withMigratedDatabase { client in
            let logger = Logger(label: "test")
            // Start from nothing: drop what the helper applied, then race four first runs.
            try await client.query(
                """
                DROP TABLE processed_commands, event_head, event_relay, event_log, allocations, batches, products,
                    procurement_documents, policy_checkpoints, log_identity, schema_migrations CASCADE
                """, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { try await Migrations.apply(on: client, logger: logger) } }
                try await group.waitForAll()
            }
            #expect(try await PostgresEventLog(client: client, logger: logger).head() == 0)
            // The log's id is drawn once: running the migrations again keeps it.
            let (_, drawn) = try await PostgresEventLog(client: client, logger: logger).headAndLogIdentity()
            try await Migrations.apply(on: client, logger: logger)
            #expect(try await PostgresEventLog(client: client, logger: logger).headAndLogIdentity().log == drawn)
        }
    }
}
