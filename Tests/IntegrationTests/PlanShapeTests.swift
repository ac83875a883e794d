import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

@testable import CommandService

/// PostgreSQL plans each of the service's prepared statements once per connection and keeps the
/// plan until the tables' statistics change. A plan made while a table is small must still reach
/// it by index when it has grown: every table a statement reads is reached through an index
/// condition (or a partial index that holds only what the statement wants), never whole — checked
/// on a fresh, empty database and on one just vacuumed while small, with the service's own
/// connection settings (`DatabaseURL.plannerSettings`).
@Suite struct PlanShapeTests {
    private static let logger = Logger(label: "plan-shape")

    /// The statements the service prepares, each named in the report by its type (as `Prepared` names it).
    private static var statements: [any PreparedSQL.Type] {
        [
            Statements.PreviousOutcome.self, Statements.LockProduct.self, Statements.ReadAhead.self,
            Statements.LoadProducts.self, Statements.RemoveAllocations.self, Statements.Flush.self,
            Statements.MarkAndReadNext.self,
        ]
    }

    @Test func everyStatementReachesItsTablesByIndexOnAFreshDatabase() async throws {
        try await Self.withServiceClient { client in
            let scans = try await Self.wholeTableScans(client)
            #expect(scans == [])
        }
    }

    @Test func everyStatementReachesItsTablesByIndexAfterAVacuumOfSmallTables() async throws {
        try await Self.withServiceClient { client in
            try await client.query(
                "INSERT INTO products (sku, version) VALUES ('LAMP', 1), ('CHAIR', 1)", logger: Self.logger)
            try await client.query(
                """
                INSERT INTO batches (reference, sku, purchased_quantity, allocated_quantity)
                VALUES ('b1', 'LAMP', 10, 1), ('b2', 'CHAIR', 10, 0)
                """, logger: Self.logger)
            try await client.query(
                "INSERT INTO allocations (orderid, sku, batch_reference, quantity) VALUES ('o1', 'LAMP', 'b1', 1)",
                logger: Self.logger)
            try await client.query("VACUUM ANALYZE", logger: Self.logger)
            let scans = try await Self.wholeTableScans(client)
            #expect(scans == [])
        }
    }

    /// A migrated fresh database, reached with the service's own pool settings.
    private static func withServiceClient(_ body: @Sendable (PostgresClient) async throws -> Void) async throws {
        try await TestDatabase.withFreshDatabase { url in
            let client = PostgresClient(configuration: try DatabaseURL.settings(url).pool)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                try await Migrations.apply(on: client, logger: logger)
                try await body(client)
            }
        }
    }

    /// "statement: node on table" for every scan that reads a table without an index condition,
    /// in each statement's generic plan on one connection.
    private static func wholeTableScans(_ client: PostgresClient) async throws -> [String] {
        try await client.withConnection { connection in
            var partialIndexes: Set<String> = []
            for try await name in try await connection.query(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indpred IS NOT NULL",
                logger: logger
            ).decode(String.self) {
                partialIndexes.insert(name)
            }
            var found: [String] = []
            for statement in statements {
                let name = String(describing: statement)
                let sql = statement.sql
                let parameters = parameterCount(sql)
                try await connection.query(PostgresQuery(unsafeSQL: "PREPARE shape_\(name) AS \(sql)"), logger: logger)
                let arguments =
                    parameters == 0
                    ? "" : "(" + Array(repeating: "NULL", count: parameters).joined(separator: ", ") + ")"
                var plan = ""
                for try await text in try await connection.query(
                    PostgresQuery(unsafeSQL: "EXPLAIN (FORMAT JSON) EXECUTE shape_\(name)\(arguments)"), logger: logger
                ).decode(String.self) {
                    plan += text
                }
                try await connection.query(PostgresQuery(unsafeSQL: "DEALLOCATE shape_\(name)"), logger: logger)
                let root = try #require(
                    (try JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [[String: Any]])?.first?["Plan"]
                        as? [String: Any])
                found += scansWithoutIndexCondition(root, partialIndexes).map { "\(name): \($0)" }
            }
            return found
        }
    }

    /// Scans in `node` and below that read a table whole: anything but an index scan with a
    /// condition, or of a partial index.
    private static func scansWithoutIndexCondition(_ node: [String: Any], _ partialIndexes: Set<String>) -> [String] {
        var found: [String] = []
        let type = node["Node Type"] as? String ?? ""
        let table = node["Relation Name"] as? String
        let index = node["Index Name"] as? String
        // A bitmap heap scan reads only what its bitmap index scan (checked on its own) found.
        let readsTable = type.hasSuffix("Scan") && type != "Bitmap Heap Scan" && table != nil
        if readsTable || type == "Bitmap Index Scan" {
            let byIndex = ["Index Scan", "Index Only Scan", "Bitmap Index Scan"].contains(type)
            let bounded = node["Index Cond"] != nil || index.map(partialIndexes.contains) ?? false
            if !(byIndex && bounded) { found.append("\(type) on \(table ?? index ?? "?")") }
        }
        for child in node["Plans"] as? [[String: Any]] ?? [] {
            found += scansWithoutIndexCondition(child, partialIndexes)
        }
        return found
    }

    /// The highest `$n` in `sql`.
    private static func parameterCount(_ sql: String) -> Int {
        var highest = 0
        var rest = Substring(sql)
        while let dollar = rest.firstIndex(of: "$") {
            let digits = rest[rest.index(after: dollar)...].prefix(while: \.isNumber)
            highest = max(highest, Int(digits) ?? 0)
            rest = rest[rest.index(after: dollar)...]
        }
        return highest
    }
}
