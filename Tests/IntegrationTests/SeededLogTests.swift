import CommandService
import Contracts
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

/// `scripts/bench/seed-events` writes events straight into `event_log` for read-side benchmarks.
/// Its rows must be exactly what the command service itself would have stored: the real replay
/// socket serves them, the real decoder reads them, and their payload text is Contracts' canonical
/// encoding.
@Suite struct SeededLogTests {
    static let events = 5000
    static let skus = 10

    @Test func seededEventsReadLikeTheServicesOwn() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { _ in }  // migrates
            let report = try await Self.seed(url)
            let allocations = try #require(report["allocations"])

            try await ServiceHarness.withService(url) { app in
                let (events, head) = try await TestDealer(app.replayEndpoint).replayAll()
                #expect(head == Self.events)
                #expect(events.map(\.position) == Array(1...Self.events))
                // The seed writes allocation's history only.
                #expect(
                    Set(events.map(\.type)) == [
                        .batchCreated, .allocated, .deallocated, .outOfStock, .batchQuantityChanged,
                    ])
                #expect(Set(events.map(\.aggregateID)).count == Self.skus)

                // Every line seed-1 … seed-K ends allocated, to a batch that was created.
                var batches: Set<String> = []
                var lines: [String: String] = [:]
                for event in events {
                    switch event.payload {
                    case .batchCreated(let p): batches.insert(p.reference)
                    case .allocated(let p): lines[p.orderID] = p.batchReference
                    case .deallocated(let p): lines[p.orderID] = nil
                    default: break
                    }
                }
                #expect(lines.count == allocations)
                #expect(Set(lines.keys) == Set((1...allocations).map { "seed-\($0)" }))
                #expect(Set(lines.values).isSubset(of: batches))
            }

            // The stored text is what Contracts writes, and the relay has nothing left to publish.
            try await TestDatabase.withClient(url) { client in
                let logger = Logger(label: "seeded-log-tests")
                let rows = try await client.query(
                    "SELECT type, payload FROM event_log WHERE position % 97 = 1 ORDER BY position", logger: logger)
                var checked = 0
                for try await (type, payload) in rows.decode((String, String).self) {
                    let decoded = try EventPayload(type: #require(EventType(rawValue: type)), json: Array(payload.utf8))
                    #expect(String(decoding: decoded.jsonData(), as: UTF8.self) == payload)
                    checked += 1
                }
                #expect(checked > 50)
                for try await (head, published) in try await client.query(
                    "SELECT head, published FROM event_head, event_relay", logger: logger
                ).decode((Int, Int).self) {
                    #expect(head == Self.events && published == Self.events)
                }
            }
        }
    }

    /// Runs the script and returns its JSON report (its last line; standard error is kept for the
    /// failure message).
    static func seed(_ url: String) async throws -> [String: Int] {
        let script = Executables.packageRoot.appendingPathComponent("scripts/bench/seed-events")
        let (status, output) = try await Executables.run(
            script, ["--database-url", url, "--events", "\(events)", "--skus", "\(skus)"], withStandardError: true)
        let report = output.split(separator: "\n").last.map { Data($0.utf8) } ?? Data()
        guard status == 0, let report = try? JSONSerialization.jsonObject(with: report) as? [String: Any] else {
            throw HarnessError("seed-events failed: \(output)")
        }
        return report.compactMapValues { $0 as? Int }
    }
}
