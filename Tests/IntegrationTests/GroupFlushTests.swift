import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

@testable import CommandService

/// A group reads without locks and writes in one statement that commits as it ends. That statement
/// must refuse, whole, whenever what it read or numbered went stale: these are the two ways.
@Suite struct GroupFlushTests {
    /// The group's part of one allocation, run on a unit as `MessageBus.handle(group:)` would, with
    /// `meanwhile` run between its read-ahead and its use of what it read.
    static func allocateAsAGroup(
        _ order: String, _ sku: String, _ quantity: Int, in uow: any UnitOfWork,
        meanwhile: () async throws -> Void = {}
    ) async throws {
        let line = try OrderLine(orderID: OrderID(order), sku: SKU(sku), quantity: quantity)
        let uow = try #require(uow as? any GroupUnitOfWork)
        try await uow.prefetch(commandIDs: ["group-\(order)"], products: [line.sku], withLinesOf: [line.orderID])
        try await meanwhile()
        var product = try #require(try await uow.products.get(line.sku, withLinesOf: line.orderID))
        let batch = try #require(try product.allocate(line))
        try await uow.products.save(product)
        try await uow.record(
            CommandEnvelope(id: "group-\(order)", fingerprint: "f", command: Allocate(line: line), issuedBy: "alice"),
            outcome: .allocated(batch))
        _ = try await uow.commit()
    }

    @Test func aProductChangedAfterTheReadAheadRefusesTheWholeFlush() async throws {
        try await withMigratedDatabase { client in
            let logger = Logger(label: "test")
            let factory = PostgresUnitOfWorkFactory(client: client, logger: logger)
            let bus = Bootstrap.messageBus(unitOfWork: factory)
            _ = try await bus.handle(Make.createBatch("b1", "LAMP", 10))

            await #expect(throws: UnitOfWorkError.conflict("a product changed since it was loaded")) {
                try await factory.withUnitOfWork { uow in
                    // Another writer commits meanwhile: the read-ahead took no lock to stop it, and
                    // the stale copy still has 10 free, so the allocation goes ahead in memory.
                    try await Self.allocateAsAGroup("late", "LAMP", 4, in: uow) {
                        _ = try await bus.handle(Make.allocate("first", "LAMP", 8))
                    }
                }
            }
            let probe = PostgresProbe(client: client)
            #expect(try await probe.batches(of: "LAMP").map(\.allocated) == [8], "never over-allocated")
            #expect(try await probe.batches(of: "LAMP").map(\.orders) == [["first"]])
            #expect(try await probe.journal().map(\.commandID) == ["create-b1", "allocate-first-LAMP"])
            #expect(try await bus.handle(Make.allocate("late", "LAMP", 4, id: "group-late")).outcome == .outOfStock)
        }
    }

    /// A sequencing round numbers an event the flush saw unnumbered, while the flush waits for the
    /// head's lock: numbering it again (or counting it) would duplicate a position or leave a gap.
    @Test func eventsNumberedWhileTheFlushWaitedRefuseItAndARetryNumbersAfterThem() async throws {
        try await withMigratedDatabase { client in
            let logger = Logger(label: "test")
            let log = PostgresEventLog(client: client, logger: logger)
            let factory = PostgresUnitOfWorkFactory(
                client: client, logger: logger, sequencer: Sequencer(log: log, logger: logger))
            // Commands alone leave their events unnumbered for a round.
            let alone = Bootstrap.messageBus(unitOfWork: PostgresUnitOfWorkFactory(client: client, logger: logger))
            _ = try await alone.handle(Make.createBatch("b1", "LAMP", 10))
            #expect(try await log.unpositionedCount() == 1)

            try await client.withConnection { round in
                var roundPID = 0
                for try await pid in try await round.query("SELECT pg_backend_pid()", logger: logger).decode(Int.self) {
                    roundPID = pid
                }
                try await round.query("BEGIN", logger: logger)
                try await round.query("SELECT head FROM event_head WHERE id = 1 FOR UPDATE", logger: logger)
                try await round.query("UPDATE event_log SET position = 1 WHERE position IS NULL", logger: logger)
                try await round.query("UPDATE event_head SET head = 1 WHERE id = 1", logger: logger)
                let group = Task {
                    try await factory.withUnitOfWork { uow in
                        try await Self.allocateAsAGroup("o1", "LAMP", 1, in: uow)
                    }
                }
                _ = try await eventually("the group's flush waits for the head's lock") {
                    var waiting = 0
                    for try await count in try await client.query(
                        """
                        SELECT count(*)::int FROM pg_stat_activity
                        WHERE \(roundPID) = ANY(pg_blocking_pids(pid)) AND query LIKE '%changed_products%'
                        """, logger: logger
                    ).decode(Int.self) { waiting = count }
                    return waiting == 1 ? true : nil
                }
                try await round.query("COMMIT", logger: logger)
                await #expect(throws: UnitOfWorkError.conflict("events were numbered meanwhile")) {
                    try await group.value
                }
            }
            #expect(try await PostgresProbe(client: client).journal().map(\.commandID) == ["create-b1"])
            #expect(try await log.head() == 1)

            try await factory.withUnitOfWork { uow in try await Self.allocateAsAGroup("o1", "LAMP", 1, in: uow) }
            #expect(try await log.events(from: 1, limit: 10).map(\.position) == [1, 2])
            #expect(try await log.events(from: 1, limit: 10).map(\.commandID) == ["create-b1", "group-o1"])
            #expect(try await log.head() == 2)
        }
    }

    /// Groups, commands alone and sequencing rounds all at once, on shared products: no allocation
    /// lost or doubled, and positions gap-free from 1 with each product's events in version order.
    @Test func groupsAndCommandsAloneTogetherKeepPositionsGapFreeAndInAggregateOrder() async throws {
        try await withMigratedDatabase(maximumConnections: 30) { client in
            let logger = Logger(label: "test")
            let log = PostgresEventLog(client: client, logger: logger)
            let sequencer = Sequencer(log: log, logger: logger)
            let bus = Bootstrap.messageBus(
                unitOfWork: PostgresUnitOfWorkFactory(client: client, logger: logger, sequencer: sequencer),
                maximumAttempts: 200)
            let committer = GroupCommitter(bus: bus, maximumGroupSize: 8, maximumGroupsInFlight: 2)
            let skus = (0..<6).map { "SKU-\($0)" }
            for sku in skus { _ = try await bus.handle(Make.createBatch("b-\(sku)", sku, 1_000)) }

            let receipts = try await withThrowingTaskGroup(of: [CommandReceipt].self) { group in
                for worker in 0..<24 {
                    group.addTask {
                        var receipts: [CommandReceipt] = []
                        for index in 0..<15 {
                            let command = Make.allocate("w\(worker)-\(index)", skus[(worker + index) % skus.count], 1)
                            // A third of the workers send theirs alone, the rest through groups.
                            receipts.append(
                                worker % 3 == 0 ? try await bus.handle(command) : try await committer.handle(command))
                        }
                        return receipts
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(receipts.allSatisfy { if case .allocated = $0.outcome { true } else { false } })
            var positions: [Int] = []
            for receipt in receipts {
                positions.append(try await sequencer.position(of: try #require(receipt.lastEvent)))
            }
            try await sequencer.completeRound()

            let total = skus.count + 24 * 15
            #expect(Set(positions).count == 24 * 15, "each command learned a position of its own")
            let events = try await log.events(from: 1, limit: 10_000)
            #expect(events.map(\.position) == Array(1...total))
            #expect(try await log.head() == total)
            for sku in skus {
                let versions = events.filter { $0.aggregateID == sku }.map(\.aggregateVersion)
                #expect(versions == Array(1...versions.count), "\(sku) in order")
            }
            let probe = PostgresProbe(client: client)
            var allocated = 0
            for sku in skus { allocated += try await probe.batches(of: sku).map(\.allocated).reduce(0, +) }
            #expect(allocated == 24 * 15)
        }
    }

    /// The frames a group hands the relay are the very bytes the relay would build from the rows.
    @Test func aGroupsFramesAreTheEnvelopesItsRowsMake() async throws {
        try await withMigratedDatabase { client in
            let logger = Logger(label: "test")
            let log = PostgresEventLog(client: client, logger: logger)
            let sequencer = Sequencer(log: log, logger: logger)
            let factory = PostgresUnitOfWorkFactory(client: client, logger: logger, sequencer: sequencer)
            let bus = Bootstrap.messageBus(unitOfWork: factory)
            _ = try await bus.handle(Make.createBatch("b1", #"caf\u00e9 "quoted" sofa 🛋"#, 10))
            try await sequencer.completeRound()
            _ = await bus.handle(group: [
                Make.allocate("o1", #"caf\u00e9 "quoted" sofa 🛋"#, 4),
                Make.allocate("o2", #"caf\u00e9 "quoted" sofa 🛋"#, 9),
            ])
            let frames = sequencer.committed.take(after: 1, limit: 10)
            #expect(frames.map(\.position) == [2, 3], "one allocated, one out of stock")
            var stored: [(topic: String, envelope: Data)] = []
            try await PostgresEventLog.forEachStored(
                client.query(
                    "SELECT \(unescaped: EventRecord.selection) FROM event_log WHERE position > 1 ORDER BY position",
                    logger: logger)
            ) { stored.append(($0.type.topic, try EventCodec.encode($0))) }
            #expect(frames.map { String(decoding: $0.topic, as: UTF8.self) } == stored.map(\.topic))
            #expect(frames.map(\.envelope) == stored.map(\.envelope))
        }
    }

    @Test func committedFramesAreTakenOnlyWhereTheyContinue() {
        let committed = CommittedFrames(capacity: 10)
        func frames(_ positions: ClosedRange<Int>) -> [CommittedFrames.Frame] {
            positions.map { CommittedFrames.Frame(position: $0, topic: [], envelope: Data([UInt8($0)])) }
        }
        committed.add(frames(5...7))
        #expect(committed.take(after: 3, limit: 10).isEmpty, "4 is missing: the relay reads the log")
        #expect(committed.take(after: 4, limit: 2).map(\.position) == [5, 6])
        #expect(committed.take(after: 6, limit: 10).map(\.position) == [7])
        committed.add(frames(8...30))
        #expect(committed.take(after: 7, limit: 10).isEmpty, "the oldest were dropped past the capacity")
        #expect(committed.take(after: 25, limit: 10).map(\.position) == Array(26...30))
    }
}
