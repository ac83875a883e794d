import Contracts
import Logging
import Synchronization

/// Gives committed events their positions in rounds, and tells each command the position of its
/// last event (what its reply carries for read-your-writes).
///
/// Commands that commit while a round runs wait for the next one, so one round serves many
/// commands (a group commit for positions). A round numbers every committed event still without a
/// position, whoever wrote it, so one started after a command's commit always covers it; the result
/// is remembered for recent marks, and anything else (numbered by another instance) is read back.
public actor Sequencer {
    private let log: PostgresEventLog
    private let logger: Logger
    private var roundRunning = false
    private var waiting: [CheckedContinuation<Void, any Error>] = []
    private var watchingRound: [CheckedContinuation<Void, Never>] = []
    private let recent = Mutex(RecentPositions())
    /// Who hears of new heads, and, for a listener that named some, the event types it waits for.
    private let listeners = Mutex<[(continuation: AsyncStream<Int>.Continuation, types: Set<EventType>?)]>([])
    private let roundTimeout: Duration = .seconds(10)
    /// The encoded events of group commits, for the relay to publish without reading them back.
    nonisolated let committed = CommittedFrames()

    public init(log: PostgresEventLog, logger: Logger) {
        self.log = log
        self.logger = logger
    }

    /// The position of a recently numbered event, without waiting for this actor (a group commit
    /// numbers its own events: its commands' replies find them here).
    public nonisolated func knownPosition(of mark: EventMark) -> Int? {
        recent.withLock { $0.positions[mark] }
    }

    /// The highest position numbered here so far (0 before the first).
    public nonisolated var knownHead: Int { recent.withLock { $0.head } }

    /// The position of the event marked `mark`, which the caller committed before asking.
    public func position(of mark: EventMark) async throws -> Int {
        if let known = knownPosition(of: mark) { return known }
        if roundRunning {
            // The round under way may have started after this commit (a group's commands all ask
            // at once): its result may answer without waiting for another round.
            await withCheckedContinuation { watchingRound.append($0) }
            if let known = knownPosition(of: mark) { return known }
        }
        try await completeRound()
        if let known = knownPosition(of: mark) { return known }
        if let stored = try await log.position(of: mark) { return stored }
        throw UnitOfWorkError.unavailable("event \(mark) has no position after a sequencing round")
    }

    /// Positions a group commit gave its events itself (under the head's row lock, as a round
    /// would): remembered for the commands' replies, and announced to the relay with the events'
    /// `frames` when the unit could build them. Nonisolated, so that a committed group goes on to
    /// reply without a hop onto this actor.
    ///
    /// - Parameter ownTypes: the types of the unit's own events, which it numbered last; nil when
    ///   not known (a round's). Listeners for other types hear of these positions only when some
    ///   others were numbered with them (the head moved by more than the unit's own events).
    nonisolated func numbered(
        _ numbered: [(mark: EventMark, position: Int)], frames: [CommittedFrames.Frame] = [],
        ownTypes: [EventType]? = nil
    ) {
        committed.add(frames)
        let previousHead = recent.withLock { recent in
            let head = recent.head
            recent.remember(numbered)
            return head
        }
        guard let head = numbered.map(\.position).max() else { return }
        listeners.withLock { listeners in
            for listener in listeners
            where Self.tells(listener.types, from: previousHead, to: head, ownTypes: ownTypes) {
                listener.continuation.yield(head)
            }
        }
    }

    /// Whether a listener waiting for `wanted` (nil: for every head) hears of the head moving from
    /// `previousHead` to `head` by a unit's own events of `ownTypes` (nil: not known): yes unless
    /// the head moved by exactly the unit's own events and none is of a wanted type.
    static func tells(_ wanted: Set<EventType>?, from previousHead: Int, to head: Int, ownTypes: [EventType]?) -> Bool {
        guard let wanted, let ownTypes, previousHead == head - ownTypes.count else { return true }
        return !wanted.isDisjoint(with: ownTypes)
    }

    /// Runs a round that starts after this call (joining one already queued).
    public func completeRound() async throws {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(continuation)
            if !roundRunning {
                roundRunning = true
                Task { await self.runRounds() }
            }
        }
    }

    /// Head positions after each round that numbered something; the relay listens to publish promptly.
    ///
    /// With `types`, only heads that may have moved past an event of one of them: the policy
    /// reactor waits for its triggers, and a group of allocations (whose events it would only step
    /// over) does not send it to read the log.
    public func heads(whenAny types: Set<EventType>? = nil) -> AsyncStream<Int> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        listen(continuation, whenAny: types)
        return stream
    }

    /// Like `heads(whenAny:)`, into a stream of the caller's (the relay's wake-ups, which also
    /// carry its ticks): the committing task yields to it directly, one hand-off less between a
    /// commit and its events going out.
    public nonisolated func listen(_ continuation: AsyncStream<Int>.Continuation, whenAny types: Set<EventType>? = nil)
    {
        listeners.withLock { $0.append((continuation, types)) }
    }

    private func runRounds() async {
        while !waiting.isEmpty {
            let batch = waiting
            waiting = []
            do {
                // Bounded: a round whose connection the server dropped mid-query can wait forever in
                // PostgresNIO, and every later command would wait behind it. A round given up here
                // committed nothing or commits alone; the next one runs under the same row lock.
                let numbered = try await Deadline.run(within: roundTimeout) { [log] in try await log.sequence() }
                self.numbered(numbered)
                for continuation in batch { continuation.resume() }
            } catch {
                logger.warning("Sequencing round failed", metadata: ["error": .error(error)])
                for continuation in batch { continuation.resume(throwing: PostgresErrors.classify(error)) }
            }
            for watcher in watchingRound { watcher.resume() }
            watchingRound = []
        }
        roundRunning = false
    }
}

/// The positions of the last 100,000 or so events numbered here.
private struct RecentPositions: ~Copyable {
    var positions: [EventMark: Int] = [:]
    private(set) var head = 0
    private var order: [EventMark] = []
    private let memory = 100_000

    mutating func remember(_ numbered: [(mark: EventMark, position: Int)]) {
        for (mark, position) in numbered {
            positions[mark] = position
            order.append(mark)
            head = max(head, position)
        }
        if order.count > memory * 2 {
            for mark in order.prefix(order.count - memory) { positions[mark] = nil }
            order.removeFirst(order.count - memory)
        }
    }
}
