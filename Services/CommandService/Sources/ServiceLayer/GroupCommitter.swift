import Domain

/// Group commit: allocations that arrive while earlier ones are being written wait briefly and are
/// then handled together, in one unit of work (`MessageBus.handle(group:)`).
///
/// A lone command starts at once, so a quiet service adds no delay; once a group of several is
/// answered, the next waits briefly for those callers to send again (`GroupGathering`), so that
/// clients waiting for their answers share one group rather than take turns. Callers are known by
/// their connection (`caller`), so that the wait learns how soon they come back. Under load each
/// transaction carries many commands, which shares its round trips, its row locks and its one
/// durable flush (fsync) among them — and a hot product's allocations queue in memory instead of
/// on its row lock.
/// Each caller still gets its own result, and only after its group has committed. Other command
/// types, which may load products no group can read ahead, are handled one at a time.
public actor GroupCommitter {
    private typealias Waiting = (
        ticket: Int, envelope: CommandEnvelope, caller: [UInt8]?,
        reply: CheckedContinuation<Result<CommandReceipt, any Error>, Never>
    )

    private let bus: MessageBus
    private let maximumGroupSize: Int
    private let maximumGroupsInFlight: Int
    private let onGroup: @Sendable (Int) -> Void
    private var queue: [Waiting] = []
    /// Groups being written: the tickets still waiting for each, its task, and its products.
    private var running: [Int: (waiting: Set<Int>, task: Task<Void, Never>, skus: Set<SKU>)] = [:]
    private var nextGroup = 0
    private var nextTicket = 0
    private var gathering: GroupGathering
    /// While the next group waits for the answered callers: how many commands it waits for, which
    /// wait this is (its timer ends only its own), since when, and whom it waits for.
    private var waitingFor: Wait?
    private var waits = 0

    /// - Parameters:
    ///   - maximumGroupSize: the most commands in one transaction (1 turns grouping off).
    ///   - maximumGroupsInFlight: groups being written at once, each on its own connection.
    ///   - gatherWindow: the shortest window in which the next group waits for an answered group's
    ///     callers to send again; it stretches when they come back slowly (`GroupGathering`). Zero
    ///     starts it at once.
    ///   - onGroup: told the size of each group as it starts (metrics).
    public init(
        bus: MessageBus, maximumGroupSize: Int = 64, maximumGroupsInFlight: Int = 1, gatherWindow: Duration = .zero,
        onGroup: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        precondition(maximumGroupSize >= 1 && maximumGroupsInFlight >= 1 && gatherWindow >= .zero)
        self.bus = bus
        self.maximumGroupSize = maximumGroupSize
        self.maximumGroupsInFlight = maximumGroupsInFlight
        self.gathering = GroupGathering(shortest: gatherWindow)
        self.onGroup = onGroup
    }

    /// Handles a command exactly once per id, as `MessageBus.handle(_:)` does. A caller that gives
    /// up (its task is cancelled, say by a deadline) before its group starts takes its command back:
    /// a command nobody waits for any more is never begun. `caller` names the connection it came
    /// from, if known.
    public func handle(_ envelope: CommandEnvelope, caller: [UInt8]? = nil) async throws -> CommandReceipt {
        guard maximumGroupSize > 1, envelope.command is Allocate else { return try await bus.handle(envelope) }
        nextTicket += 1
        let ticket = nextTicket
        let result = await withTaskCancellationHandler {
            // Queued before this actor can run `withdraw`: the body runs here, without a suspension.
            await withCheckedContinuation { reply in
                queue.append((ticket, envelope, caller, reply))
                if let waiting = waitingFor {
                    guard queue.count >= waiting.count else { return }
                    waitingFor = nil
                    gathering.gathered(after: .now - waiting.since)
                }
                startGroups()
            }
        } onCancel: {
            Task { await self.withdraw(ticket) }
        }
        return try result.get()
    }

    private func withdraw(_ ticket: Int) {
        if let index = queue.firstIndex(where: { $0.ticket == ticket }) {
            queue.remove(at: index).reply.resume(
                returning: Result<CommandReceipt, any Error>.failure(CancellationError()))
        } else if let id = running.first(where: { $0.value.waiting.contains(ticket) })?.key {
            // A group nobody waits for any more is stopped, as a lone command's work would be.
            // Its slot is freed too: work stuck on a dead connection must not hold up later groups.
            running[id]!.waiting.remove(ticket)
            if running[id]!.waiting.isEmpty {
                running.removeValue(forKey: id)?.task.cancel()
                startGroups()
            }
        }  // otherwise its group has answered already
    }

    private func startGroups() {
        while running.count < maximumGroupsInFlight, !queue.isEmpty {
            // A command id twice in one group would fail it: a retry waits for the next group. So
            // waits a product that a group in flight writes: groups do not lock what they read, and
            // the later of two groups on one product would find it changed and fail as a whole.
            var group: [Waiting] = []
            var later: [Waiting] = []
            var ids: Set<IdentifierKey> = []
            var skus: Set<SKU> = []
            let busy = running.values.reduce(into: Set<SKU>()) { $0.formUnion($1.skus) }
            for waiting in queue {
                let sku = (waiting.envelope.command as? Allocate)?.line.sku
                if group.count < maximumGroupSize, !(sku.map(busy.contains) ?? false),
                    ids.insert(IdentifierKey(waiting.envelope.id)).inserted
                {
                    group.append(waiting)
                    if let sku { skus.insert(sku) }
                } else {
                    later.append(waiting)
                }
            }
            guard !group.isEmpty else { break }  // all wait for products in flight
            queue = later
            nextGroup += 1
            onGroup(group.count)
            let id = nextGroup
            let task = Task { [bus, group] in
                let results = await bus.handle(group: group.map(\.envelope))
                self.finish(id, group, results)
            }
            running[id] = (Set(group.map(\.ticket)), task, skus)
        }
    }

    private func finish(_ id: Int, _ group: [Waiting], _ results: [Result<CommandReceipt, any Error>]) {
        for (waiting, result) in zip(group, results) { waiting.reply.resume(returning: result) }
        running[id] = nil
        guard gathering.shortest > .zero, waitingFor == nil,
            case .gather(let count, let window) = gathering.afterAnswering(
                group.count, queued: queue.count, maximum: maximumGroupSize)
        else { return startGroups() }
        waits += 1
        let wait = Wait(count: count, number: waits, since: .now, callers: Set(group.compactMap(\.caller)))
        waitingFor = wait
        Task {
            try? await Task.sleep(for: window)
            self.windowRanOut(wait.number)
        }
    }

    private func windowRanOut(_ number: Int) {
        guard let waiting = waitingFor, waiting.number == number else { return }  // that wait ended already
        waitingFor = nil
        // Callers not known (no connection given) never stretch the window: 0 of 0 is a miss.
        let returned = queue.lazy.filter { $0.caller.map(waiting.callers.contains) ?? false }.count
        gathering.ranOut(returned: returned, of: waiting.callers.count)
        startGroups()
    }

    /// A wait for an answered group's callers to send again.
    private struct Wait {
        /// Queued commands that end it.
        let count: Int
        /// Which wait it is: its timer ends only its own.
        let number: Int
        let since: ContinuousClock.Instant
        /// The answered group's connections, when known.
        let callers: Set<[UInt8]>
    }
}
