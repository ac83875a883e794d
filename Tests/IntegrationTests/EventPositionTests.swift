import CommandService
import Logging
import PostgresNIO
import Testing

/// Invariant 3: gap-free, strictly increasing positions in commit order, one aggregate's events in
/// order — even though concurrent transactions commit out of their sequence order.
@Suite struct EventPositionTests {
    @Test func aThousandConcurrentCommandsGetPositionsOneToNWithoutGapsAndInAggregateOrder() async throws {
        try await withMigratedDatabase(maximumConnections: 40) { client in
            let logger = Logger(label: "test")
            let bus = Bootstrap.messageBus(
                unitOfWork: PostgresUnitOfWorkFactory(client: client, logger: logger), maximumAttempts: 200)
            let log = PostgresEventLog(client: client, logger: logger)
            let sequencer = Sequencer(log: log, logger: logger)
            let skus = (0..<40).map { "SKU-\($0)" }
            for sku in skus { _ = try await bus.handle(Make.createBatch("b-\(sku)", sku, 1_000)) }

            // 1,200 commands on 40 aggregates, 40 at a time, while rounds of numbering run alongside.
            let positions = try await withThrowingTaskGroup(of: [Int].self) { group in
                for worker in 0..<40 {
                    group.addTask {
                        var positions: [Int] = []
                        for index in 0..<30 {
                            let sku = skus[(worker + index) % skus.count]
                            let receipt = try await bus.handle(Make.allocate("w\(worker)-\(index)", sku, 1))
                            positions.append(try await sequencer.position(of: receipt.lastEvent!))
                        }
                        return positions
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            try await sequencer.completeRound()

            let total = 40 + 1_200
            #expect(try await log.head() == total)
            #expect(try await log.unpositionedCount() == 0)
            #expect(Set(positions).count == 1_200, "each command learned its own position")
            let events = try await log.events(from: 1, limit: 10_000)
            #expect(events.map(\.position) == Array(1...total))
            for sku in skus {
                let versions = events.filter { $0.aggregateID == sku }.map(\.aggregateVersion)
                #expect(versions == Array(1...versions.count), "\(sku) in order")
            }
            // Replay from the middle returns exactly the rest.
            #expect(try await log.events(from: 1_001, limit: 10_000).map(\.position) == Array(1_001...total))
        }
    }

    @Test func eventsCommittedWhileARoundRunsAreNumberedByTheNext() async throws {
        try await withMigratedDatabase { client in
            let logger = Logger(label: "test")
            let bus = Bootstrap.messageBus(unitOfWork: PostgresUnitOfWorkFactory(client: client, logger: logger))
            let log = PostgresEventLog(client: client, logger: logger)
            _ = try await bus.handle(Make.createBatch("b1", "LAMP", 100))
            // Hold a transaction open with an event inserted, then number what is committed.
            try await client.withConnection { slow in
                try await slow.query("BEGIN", logger: logger)
                try await slow.query(
                    """
                    INSERT INTO event_log (event_id, type, schema_version, aggregate_id, aggregate_version, command_id, payload)
                    VALUES (gen_random_uuid(), 'OutOfStock', 1, 'LAMP', 1, 'slow', '{"sku":"LAMP","orderid":"x","qty":1}')
                    """, logger: logger)
                _ = try await bus.handle(Make.allocate("o1", "LAMP", 1))
                let first = try await log.sequence()
                #expect(first.map(\.position) == [1, 2], "the open transaction's event is not visible yet")
                try await slow.query("COMMIT", logger: logger)
            }
            let second = try await log.sequence()
            #expect(second.map(\.position) == [3], "it gets the next position, never a hole behind the head")
            #expect(try await log.events(from: 3, limit: 10).first?.commandID == "slow")
        }
    }
}
