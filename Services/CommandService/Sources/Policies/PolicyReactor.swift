import Contracts
import Domain
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Follows the event log by position and sends the commands its policies call for (`Policies`),
/// each with a command id derived from its event, through the message bus.
///
/// Exactly once, across crashes and instances: a command id handled before answers with its stored
/// receipt and changes nothing, so reacting to an event again — after a crash before the checkpoint
/// moved, or on a second instance following the same log — has no second effect. The checkpoint
/// only saves work. A refusal is final (the same command would be refused again) and is logged; a
/// store that is unavailable is waited out, and the reactor goes on from the same event.
public final class PolicyReactor: Service, Sendable {
    private let log: any PolicyLog
    private let bus: MessageBus
    private let logger: Logger
    private let pollInterval: Duration
    private let heads: (@Sendable () async -> AsyncStream<Int>)?
    private let wakeUp = WakeUp()
    private let concurrency: Int
    private let checkpointInterval: Duration
    private let onLag: @Sendable (Double) -> Void
    private let progress = Mutex<(position: Int, lastLag: Double?)>((0, nil))
    /// Whether the stored checkpoint has been read (once: afterwards the reactor's own position is newer).
    private let checkpointRead = Mutex(false)

    /// - Parameters:
    ///   - heads: the log's head each time this instance numbers events that may include a trigger
    ///     (`Sequencer.heads(whenAny: Policies.triggers)`): the reactor reads the log when it moves,
    ///     instead of polling the database often.
    ///   - pollInterval: how long to wait, when the log has nothing new, before reading it anyway
    ///     (for events other instances committed).
    ///   - concurrency: reactions sent at once; those on one key (one batch, one invoice) keep their order.
    ///   - checkpointInterval: while reactions keep finishing, the checkpoint is saved at most this
    ///     often (each save is a commit, and under load one was always under way: more commits than
    ///     the reactions themselves); whenever the reactor is idle, at once. The checkpoint only saves
    ///     work, so a crash reacts again to at most this much more, which derived ids make harmless.
    ///   - onLag: told, for each reaction, the seconds from its event's commit to its command's.
    public init(
        log: any PolicyLog, bus: MessageBus, heads: (@Sendable () async -> AsyncStream<Int>)? = nil,
        pollInterval: Duration = .milliseconds(250),
        concurrency: Int = 16, checkpointInterval: Duration = .milliseconds(200), logger: Logger,
        onLag: @escaping @Sendable (Double) -> Void = { _ in }
    ) {
        precondition(concurrency >= 1)
        self.log = log
        self.bus = bus
        self.heads = heads
        self.pollInterval = pollInterval
        self.concurrency = concurrency
        self.checkpointInterval = checkpointInterval
        self.logger = logger
        self.onLag = onLag
    }

    /// The last position reacted to, and the lag of the last reaction in seconds.
    public var status: (position: Int, lastLag: Double?) { progress.withLock { $0 } }

    public func run() async throws {
        // Stops between reactions when the service shuts down; a reaction under way finishes.
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                if let heads = self.heads {
                    group.addTask { for await _ in await heads() { self.wakeUp.signal() } }
                }
                group.addTask { await self.follow() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func follow() async {
        while !Task.isCancelled {
            let reacted: Int
            do {
                reacted = try await catchUp()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("Policy reactor cannot read the event log", metadata: ["error": .error(error)])
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            if reacted == 0 { await wakeUp.wait(upTo: pollInterval) }
        }
    }

    /// Reacts to every event committed after the checkpoint, moving it on, and returns how many
    /// positions of the log it went through (0 when the log had nothing new). Only the policies'
    /// `triggers` are read; the rest of the log is stepped over.
    ///
    /// The log is read while earlier reactions are still under way (`ReactionPipeline` keeps each
    /// key in order and the checkpoint behind every unfinished reaction), and the checkpoint is
    /// saved alongside: neither waits for the other, so an event's reaction starts as soon as it is read.
    @discardableResult
    public func catchUp() async throws -> Int {
        var position = progress.withLock { $0.position }
        if !checkpointRead.withLock({ $0 }) {
            position = max(position, try await log.checkpoint())
            progress.withLock { $0.position = max($0.position, position) }
            checkpointRead.withLock { $0 = true }
        }
        let checkpoint = position
        typealias Start = ReactionPipeline<(Policies.Reaction, EventEnvelope)>.Start
        enum Step: Sendable {
            case page(PolicyLogPage)
            case reacted(Start, decided: Bool)
            case saved
        }
        let log = self.log
        let pageSize = 256
        return try await withThrowingTaskGroup(of: Step.self) { group in
            var pipeline = ReactionPipeline<(Policies.Reaction, EventEnvelope)>(
                after: checkpoint, concurrency: concurrency)
            func start(_ starts: [Start]) {
                for start in starts {
                    group.addTask { .reacted(start, decided: await self.send(start.item.0, for: start.item.1)) }
                }
            }
            var count = 0
            var reading = true
            // Read again while the reads have not reached the head, or once the sequencer has
            // numbered something new (noticed as reactions finish: under load they finish often).
            var readAgain = false
            var saving = false
            var saved = checkpoint
            let clock = ContinuousClock()
            var nextSave = clock.now.advanced(by: checkpointInterval)
            group.addTask {
                .page(try await log.events(after: checkpoint, ofTypes: Policies.triggers, limit: pageSize))
            }
            while let step = try await group.next() {
                switch step {
                case .page(let page):
                    reading = false
                    // A signal taken while this read ran may be for events it did not see.
                    readAgain = readAgain || !page.atHead || wakeUp.take()
                    count += page.through - pipeline.lastRead
                    for event in page.events {
                        let reactions = Policies.reactions(to: event).map { (key: $0.key, item: ($0, event)) }
                        start(pipeline.read(position: event.position, reactions: reactions))
                    }
                    pipeline.skip(to: page.through)
                case .reacted(let finished, let decided):
                    guard decided else { throw CancellationError() }
                    if wakeUp.take() { readAgain = true }
                    start(pipeline.finish(finished))
                case .saved:
                    saving = false
                }
                let finished = pipeline.finished
                progress.withLock { $0.position = max($0.position, finished) }
                let idle = pipeline.running == 0 && !reading
                if !saving, finished > saved, idle || clock.now >= nextSave {
                    saving = true
                    saved = finished
                    nextSave = clock.now.advanced(by: checkpointInterval)
                    group.addTask {
                        try await log.saveCheckpoint(finished)
                        return .saved
                    }
                }
                if !reading, readAgain, pipeline.unfinished < 4 * pageSize {
                    reading = true
                    readAgain = false
                    let after = pipeline.lastRead
                    group.addTask {
                        .page(try await log.events(after: after, ofTypes: Policies.triggers, limit: pageSize))
                    }
                }
            }
            return count
        }
    }

    /// Sends one reaction until it is decided; false when cancelled before.
    private func send(_ reaction: Policies.Reaction, for event: EventEnvelope) async -> Bool {
        let request: CommandRequest
        do {
            request = try CommandRequest(commandID: reaction.commandID, command: reaction.command)
        } catch {
            logger.error("A policy's command has no wire form", metadata: ["command": "\(reaction.command)"])
            return true
        }
        let envelope = CommandEnvelope(
            id: reaction.commandID, fingerprint: request.fingerprint, command: reaction.command)
        while true {
            if Task.isCancelled { return false }
            do {
                let receipt = try await bus.handle(envelope)
                if !receipt.isRepeat {
                    let lag = Date().timeIntervalSince(event.occurredAt)
                    progress.withLock { $0.lastLag = lag }
                    onLag(lag)
                }
                break
            } catch let refusal as any Refusal {
                logger.warning(
                    "A policy's command was refused",
                    metadata: [
                        "command_id": "\(reaction.commandID)", "event": "\(event.type.rawValue)",
                        "position": "\(event.position)", "reason": "\(refusal)",
                    ])
                break
            } catch {
                logger.warning(
                    "A policy's command failed; retrying",
                    metadata: ["command_id": "\(reaction.commandID)", "error": .error(error)])
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        return true
    }
}
