import CommandService
import Domain
import Logging
import PostgresNIO
import Testing

/// Aggregates keep their rules under concurrent writers on the real database: the version
/// compare-and-set lets exactly one of two racing writers win, and the loser is re-run on fresh state.
@Suite struct ConcurrencyTests {
    @Test func twoAllocationsRacingForTheLastUnitsNeverBothWin() async throws {
        try await withMigratedDatabase { client in
            let bus = Bootstrap.messageBus(
                unitOfWork: PostgresUnitOfWorkFactory(client: client, logger: Logger(label: "test")),
                maximumAttempts: 10)
            for round in 0..<20 {
                let sku = "LAST-UNITS-\(round)"
                _ = try await bus.handle(Make.createBatch("b-\(round)", sku, 10))
                async let first = bus.handle(Make.allocate("first", sku, 10))
                async let second = bus.handle(Make.allocate("second", sku, 10))
                let outcomes = [try await first.outcome, try await second.outcome]
                #expect(outcomes.filter { $0 == .outOfStock }.count == 1, "round \(round): \(outcomes)")
                let winner = CommandOutcome.allocated(try BatchReference("b-\(round)"))
                #expect(outcomes.filter { $0 == winner }.count == 1)
                let state = try await PostgresProbe(client: client).batches(of: sku)
                #expect(state.map(\.allocated) == [10])
            }
        }
    }

    @Test func fiftyConcurrentClientsOnOneSKUNeverOverAllocate() async throws {
        try await withMigratedDatabase(maximumConnections: 50) { client in
            let bus = Bootstrap.messageBus(
                unitOfWork: PostgresUnitOfWorkFactory(client: client, logger: Logger(label: "test")),
                maximumAttempts: 100)
            _ = try await bus.handle(Make.createBatch("warehouse", "HOT", 60))
            _ = try await bus.handle(Make.createBatch("ship", "HOT", 40, eta: "2027-01-01"))
            let outcomes = try await withThrowingTaskGroup(of: [CommandOutcome].self) { group in
                for client in 0..<50 {
                    group.addTask {
                        var outcomes: [CommandOutcome] = []
                        for order in 0..<3 {
                            outcomes.append(
                                try await bus.handle(Make.allocate("c\(client)-o\(order)", "HOT", 1)).outcome)
                        }
                        return outcomes
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let probe = PostgresProbe(client: client)
            let batches = try await probe.batches(of: "HOT")
            #expect(batches.map(\.allocated) == [40, 60], "\(batches)")
            #expect(outcomes.filter { $0 != .outOfStock }.count == 100)
            #expect(outcomes.filter { $0 == .outOfStock }.count == 50)
            #expect(batches.allSatisfy { $0.allocated == $0.orders.count })
        }
    }

    @Test func concurrentCreationOfOneBatchReferenceLeavesOneBatch() async throws {
        try await withMigratedDatabase { client in
            let bus = Bootstrap.messageBus(
                unitOfWork: PostgresUnitOfWorkFactory(client: client, logger: Logger(label: "test")),
                maximumAttempts: 10)
            let results = await withTaskGroup(of: Result<CommandOutcome, any Error>.self) { group in
                for sku in ["A", "B", "C", "D"] {
                    group.addTask {
                        do {
                            return .success(
                                try await bus.handle(Make.createBatch("same-ref", sku, 1, id: "c-\(sku)")).outcome)
                        } catch { return .failure(error) }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { (try? $0.get()) == .batchCreated }.count == 1)
            #expect(
                results.filter {
                    if case .failure(let error) = $0 {
                        error as? DomainError == .duplicateBatch(try! BatchReference("same-ref"))
                    } else {
                        false
                    }
                }.count == 3)
        }
    }
}
