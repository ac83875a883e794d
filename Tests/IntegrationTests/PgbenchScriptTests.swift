import CommandService
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

/// The pgbench ceiling is only honest if its script is the service's SQL and does the same work:
/// run it with real pgbench and check that every transaction wrote what one allocation writes.
@Suite struct PgbenchScriptTests {
    @Test func theCeilingScriptRunsAndWritesWhatAnAllocationWrites() async throws {
        try await TestDatabase.withFreshDatabase { url in
            try await TestDatabase.withClient(url) { client in
                try await Self.prepare(client, skus: 3)
                let script = FileManager.default.temporaryDirectory.appendingPathComponent("allocate-\(UUID()).pgbench")
                try PgbenchScript.allocate().write(to: script, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(at: script) }

                let output = try await runPgbench([
                    "-n", "-M", "prepared", "-D", "skus=3", "-c", "2", "-t", "10", "-f", script.path, url,
                ])
                #expect(output.contains("number of failed transactions: 0"), "\(output)")

                #expect(try await Self.count(client, "SELECT count(*)::bigint FROM allocations") == 20)
                #expect(
                    try await Self.count(client, "SELECT count(*)::bigint FROM event_log WHERE type = 'Allocated'")
                        == 20)
                #expect(
                    try await Self.count(
                        client, "SELECT count(*)::bigint FROM processed_commands WHERE outcome = 'allocated'") == 20
                )
                // The compare-and-set matched every time: one new version per allocation.
                #expect(try await Self.count(client, "SELECT sum(version)::bigint FROM products") == 20)
                #expect(try await Self.count(client, "SELECT sum(allocated_quantity)::bigint FROM batches") == 20)
            }
        }
    }

    /// The group ceiling: each run is one group of four allocations on the client's own four
    /// products, known from its first read and its own writes since (every version compared-and-set
    /// matched), numbered in its flush as the group commit numbers them, so the log has no
    /// unnumbered event and no gap.
    @Test func theGroupScriptWritesWhatItsGroupsWriteAndNumbersTheirEvents() async throws {
        try await TestDatabase.withFreshDatabase { url in
            try await TestDatabase.withClient(url) { client in
                try await Self.prepare(client, skus: 8)
                let script = FileManager.default.temporaryDirectory.appendingPathComponent("group-\(UUID()).pgbench")
                try PgbenchScript.allocateGroup(size: 4).write(to: script, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(at: script) }

                // Two clients, each on its own group's worth of products, as groups in flight are.
                let output = try await runPgbench([
                    "-n", "-M", "prepared", "-D", "skus=8", "-D", "round=0", "-c", "2", "-t", "5", "-f", script.path,
                    url,
                ])
                #expect(output.contains("number of failed transactions: 0"), "\(output)")

                #expect(try await Self.count(client, "SELECT count(*)::bigint FROM allocations") == 40)
                #expect(try await Self.count(client, "SELECT count(*)::bigint FROM processed_commands") == 40)
                #expect(
                    try await Self.count(client, "SELECT count(*)::bigint FROM event_log WHERE type = 'Allocated'")
                        == 40)
                #expect(
                    try await Self.count(client, "SELECT count(*)::bigint FROM event_log WHERE position IS NULL") == 0)
                #expect(try await Self.count(client, "SELECT max(position)::bigint FROM event_log") == 40)
                #expect(try await Self.count(client, "SELECT head::bigint FROM event_head") == 40)
                #expect(try await Self.count(client, "SELECT sum(version)::bigint FROM products") == 40)
                #expect(try await Self.count(client, "SELECT sum(allocated_quantity)::bigint FROM batches") == 40)
            }
        }
    }

    /// The runner (`scripts/bench/allocate`) takes pgbench's `PGOPTIONS` from the script, so the
    /// ceiling plans its statements with the service's own connection settings.
    @Test func bothScriptsNameTheServicesPlannerSettings() throws {
        let expected = "-- PGOPTIONS: -c plan_cache_mode=force_generic_plan -c enable_seqscan=off"
        for script in [try PgbenchScript.allocate(), try PgbenchScript.allocateGroup(size: 4)] {
            #expect(script.split(separator: "\n").filter { $0.hasPrefix("-- PGOPTIONS: ") } == [Substring(expected)])
        }
    }

    private static let logger = Logger(label: "test")

    /// A migrated database with `skus` products and batches named by number, as the scripts expect.
    private static func prepare(_ client: PostgresClient, skus: Int) async throws {
        try await Migrations.apply(on: client, logger: logger)
        for statement in PgbenchScript.setup(skus: skus).split(separator: ";")
        where !statement.allSatisfy(\.isWhitespace) {
            try await client.query(PostgresQuery(unsafeSQL: String(statement)), logger: logger)
        }
    }

    private static func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        var value = 0
        for try await n in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) {
            value = n
        }
        return value
    }

    private func runPgbench(_ arguments: [String]) async throws -> String {
        let candidates =
            ["/usr/bin/pgbench"]
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin/pgbench" }
        let path = try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0) }, "pgbench not found")
        return try await Executables.run(URL(fileURLWithPath: path), arguments, withStandardError: true).output
    }
}
