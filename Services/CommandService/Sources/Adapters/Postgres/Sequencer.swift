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
    private let listeners = Mutex<[AsyncStream<Int>.Continuation]>([])
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
    nonisolated func numbered(_ numbered: [(mark: EventMark, position: Int)], frames: [CommittedFrames.Frame] = []) {
        committed.add(frames)
        remember(numbered)
        if let head = numbered.map(\.position).max() {
            listeners.withLock { for listener in $0 { listener.yield(head) } }
        }
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
    public func heads() -> AsyncStream<Int> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        listeners.withLock { $0.append(continuation) }
        return stream
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
                logger.warning("Sequencing round failed", metadata: ["error": "\(error)"])
                for continuation in batch { continuation.resume(throwing: PostgresErrors.classify(error)) }
            }
            for watcher in watchingRound { watcher.resume() }
            watchingRound = []
        }
        roundRunning = false
    }

    private nonisolated func remember(_ numbered: [(mark: EventMark, position: Int)]) {
        recent.withLock { $0.remember(numbered) }
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
