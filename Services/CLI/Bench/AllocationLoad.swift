import Contracts
import Messaging
import Synchronization

/// Drives the command service with a run's clients, phase by phase: create the batches, make the
/// prior allocations, then warm up and measure.
///
/// The set-up phases run one task per client, and each client owns its socket, so clients never
/// wait on each other except in the service; the measured phase runs on sockets of its own, driven
/// by one thread (`measure`). Work is shared out through a ticket counter where its total is fixed
/// (batches, prior allocations, `--count`).
struct AllocationLoad: Sendable {
    let plan: AllocationPlan
    let clients: [BenchClient]

    /// Why a set-up phase could not complete.
    struct SetupFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Creates every batch of the plan; a batch that already exists (a rerun with the same
    /// `--run-id`) is fine.
    func createBatches() async throws(SetupFailure) {
        let plan = plan
        try await shareOut(plan.batchCount) { client, index in
            let batch = plan.createBatch(index)
            let request = CommandRequest(
                commandID: batch.commandID,
                payload: .createBatch(
                    CreateBatchPayload(
                        reference: batch.reference, sku: batch.sku, quantity: AllocationPlan.batchQuantity)))
            let answer = await client.sendUntilDecided(request)
            if case .reply(let reply, _) = answer, reply.status == .ok || reply.error?.code == .duplicateBatch {
                return nil
            }
            return "CreateBatch \(batch.reference): \(Self.describe(answer))"
        }
    }

    /// Makes `perSKU` allocations of one unit on every SKU, through all clients, not measured.
    /// Returns the highest event position their replies carried.
    func allocatePrior(perSKU: Int) async throws(SetupFailure) -> Int {
        let plan = plan
        let highest = Atomic<Int>(0)
        try await shareOut(perSKU * plan.skus) { client, ticket in
            let order = plan.orderID(.prior, client: 0, command: ticket)
            let request = CommandRequest(
                commandID: order,
                payload: .allocate(AllocatePayload(orderID: order, sku: plan.sku(ticket % plan.skus), quantity: 1)))
            let answer = await client.sendUntilDecided(request)
            if case .reply(let reply, _) = answer, reply.status == .ok {
                highest.max(reply.position ?? 0, ordering: .relaxed)
                return nil
            }
            return "prior Allocate \(order): \(Self.describe(answer))"
        }
        return highest.load(ordering: .relaxed)
    }

    /// Warms up, then measures, following the schedule `startSchedule` makes once `dealers` has
    /// opened the measured clients' sockets (their connections are made while warming up). One
    /// thread drives them all (`PolledClients`); replies of measured allocations are offered to
    /// `freshness` when given.
    static func measure(
        _ plan: AllocationPlan, timeout: Duration, freshness: FreshnessProbe?,
        dealers: @escaping @Sendable () throws(MessagingError) -> DealerSet,
        startSchedule: @escaping @Sendable () -> LoadSchedule
    ) async throws(MessagingError) -> AllocationTally {
        let outcome = await onDedicatedThread(name: "bench-clients") { () -> Result<AllocationTally, MessagingError> in
            do throws(MessagingError) {
                let sockets = try dealers()
                defer { sockets.close() }
                let clients = PolledClients(
                    plan: plan, schedule: startSchedule(), timeout: timeout, freshness: freshness)
                return .success(try clients.run(on: sockets))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// Runs `work` for tickets 0..<total over all clients; the first failure any of them reports
    /// stops the others and is thrown.
    private func shareOut(
        _ total: Int, _ work: @escaping @Sendable (BenchClient, Int) async -> String?
    ) async throws(SetupFailure) {
        let tickets = Tickets()
        let failure = await withTaskGroup(of: String?.self) { group in
            for client in clients {
                group.addTask {
                    while true {
                        let ticket = tickets.claim()
                        guard ticket < total else { return nil }
                        if let problem = await work(client, ticket) {
                            tickets.exhaust()
                            return problem
                        }
                    }
                }
            }
            var first: String?
            for await problem in group { first = first ?? problem }
            return first
        }
        if let failure { throw SetupFailure(description: failure) }
    }

    static func describe(_ answer: CommandAnswer) -> String {
        switch answer {
        case .reply(let reply, _):
            reply.error.map { "\(reply.status.rawValue) \($0.code.rawValue): \($0.message)" } ?? reply.status.rawValue
        case .none(let code): "no reply (\(code))"
        }
    }
}

/// Hands out 0, 1, 2, … to whichever client asks next.
final class Tickets: Sendable {
    private let next = Atomic<Int>(0)

    func claim() -> Int { next.add(1, ordering: .relaxed).oldValue }

    /// Makes every later claim exceed any total: the work stops.
    func exhaust() { next.store(Int.max / 2, ordering: .relaxed) }
}
