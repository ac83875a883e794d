import CommandService
import Contracts
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

/// No decision on stale state (DESIGN invariant 8): an outcome computed from a product — an
/// out-of-stock included — commits only if the product is still as it was read. Raced for real, on
/// one command service and on two sharing a database: a batch of 10 is fully allocated, then
/// `Deallocate(A)` and `Allocate(B, 5)` race. Along the log, no product's version ever decreases,
/// and no `OutOfStock` is recorded where the product at that position could have allocated the line.
@Suite struct StaleDecisionTests {
    static let rounds = 120

    @Test(arguments: [1, 2])
    func aDeallocationRacingAnAllocationNeverLeavesAFalseOutOfStock(instances: Int) async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { first in
                try await ServiceHarness.withOptionalSecond(url, if: instances == 2) { second in
                    try await race(deallocateOn: first, allocateOn: second ?? first)
                }
            }
            let log = try await LoggedEvent.all(url)
            #expect(log.count == Self.rounds * 4, "every round writes four events")
            for problem in LoggedEvent.staleDecisions(in: log) { Issue.record("\(problem)") }
        }
    }

    /// Each round on a SKU of its own, eight rounds at a time, so that the races overlap.
    private func race(deallocateOn one: CommandServiceApp, allocateOn other: CommandServiceApp) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    let setup = try TestDealer(one.commandEndpoint)
                    let deallocator = try TestDealer(one.commandEndpoint)
                    let allocator = try TestDealer(other.commandEndpoint)
                    for round in stride(from: lane, to: Self.rounds, by: 8) {
                        let sku = "RACE-\(round)"
                        try await expectOK(
                            setup.send(Wire.createBatch("c-\(round)", ref: "b-\(round)", sku: sku, qty: 10)))
                        try await expectOK(
                            setup.send(Wire.allocate("a-\(round)", order: "A-\(round)", sku: sku, qty: 10)))
                        async let released = deallocator.send(
                            Wire.request(
                                "d-\(round)", "Deallocate", #"{"orderid": "A-\#(round)", "sku": "\#(sku)"}"#))
                        async let allocated = allocator.send(
                            Wire.allocate("b-\(round)", order: "B-\(round)", sku: sku, qty: 5))
                        try await expectOK(released)
                        try await expectOK(allocated)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func expectOK(_ reply: CommandReply) throws {
        guard reply.status == .ok else { throw HarnessError("not ok: \(reply)") }
    }
}

/// One row of `event_log`, as much of it as the stale-decision check reads.
struct LoggedEvent: Sendable {
    let position: Int
    let type: String
    let aggregate: String
    let version: Int
    let quantity: Int

    static func all(_ url: String) async throws -> [LoggedEvent] {
        try await TestDatabase.withClient(url, maximumConnections: 1) { client in
            let rows = try await client.query(
                """
                SELECT position, type, aggregate_id, aggregate_version, coalesce((payload::jsonb->>'qty')::int, 0)
                FROM event_log ORDER BY position NULLS FIRST
                """, logger: ServiceHarness.logger)
            var events: [LoggedEvent] = []
            for try await (position, type, aggregate, version, quantity) in rows.decode(
                (Int?, String, String, Int, Int).self)
            {
                guard let position else { throw HarnessError("an event without a position") }
                events.append(
                    LoggedEvent(
                        position: position, type: type, aggregate: aggregate, version: version, quantity: quantity))
            }
            return events
        }
    }

    /// What contradicts the allocation rules along the log: a version that goes down along one
    /// product's events, or an `OutOfStock` where the product had the stock. Works for products
    /// whose batches are created, allocated and deallocated (not resized).
    static func staleDecisions(in log: [LoggedEvent]) -> [String] {
        var problems: [String] = []
        var versions: [String: Int] = [:]
        var available: [String: Int] = [:]
        for event in log {
            if let last = versions[event.aggregate], event.version < last {
                problems.append(
                    "#\(event.position) \(event.type) of \(event.aggregate) at v\(event.version) after v\(last)")
            }
            versions[event.aggregate] = max(versions[event.aggregate] ?? 0, event.version)
            switch event.type {
            case "BatchCreated": available[event.aggregate, default: 0] += event.quantity
            case "Allocated": available[event.aggregate, default: 0] -= event.quantity
            case "Deallocated": available[event.aggregate, default: 0] += event.quantity
            case "OutOfStock" where available[event.aggregate, default: 0] >= event.quantity:
                problems.append(
                    "#\(event.position) OutOfStock of \(event.aggregate) for \(event.quantity) with "
                        + "\(available[event.aggregate, default: 0]) available")
            default: break
            }
        }
        return problems
    }
}

extension ServiceHarness {
    /// A second service on the same database when `condition` holds; `body` gets nil otherwise.
    static func withOptionalSecond<T: Sendable>(
        _ url: String, if condition: Bool, _ body: (CommandServiceApp?) async throws -> T
    ) async throws -> T {
        guard condition else { return try await body(nil) }
        return try await withService(url) { try await body($0) }
    }
}
