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
    private let onLag: @Sendable (Double) -> Void
    private let progress = Mutex<(position: Int, lastLag: Double?)>((0, nil))
    /// Whether the stored checkpoint has been read (once: afterwards the reactor's own position is newer).
    private let checkpointRead = Mutex(false)

    /// - Parameters:
    ///   - heads: the log's head each time this instance numbers events (`Sequencer.heads()`): the
    ///     reactor reads the log when it moves, instead of polling the database often.
    ///   - pollInterval: how long to wait, when the log has nothing new, before reading it anyway
    ///     (for events other instances committed).
    ///   - concurrency: reactions sent at once; those on one key (one batch, one invoice) keep their order.
    ///   - onLag: told, for each reaction, the seconds from its event's commit to its command's.
    public init(
        log: any PolicyLog, bus: MessageBus, heads: (@Sendable () async -> AsyncStream<Int>)? = nil,
        pollInterval: Duration = .milliseconds(250),
        concurrency: Int = 16, logger: Logger, onLag: @escaping @Sendable (Double) -> Void = { _ in }
    ) {
        precondition(concurrency >= 1)
        self.log = log
        self.bus = bus
        self.heads = heads
        self.pollInterval = pollInterval
        self.concurrency = concurrency
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
                logger.warning("Policy reactor cannot read the event log", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            if reacted == 0 { await wakeUp.wait(upTo: pollInterval) }
        }
    }

    /// Reacts to every event committed after the checkpoint, moving it on, and returns how many
    /// events it went through (0 when the log had nothing new).
    @discardableResult
    public func catchUp() async throws -> Int {
        var position = progress.withLock { $0.position }
        if !checkpointRead.withLock({ $0 }) {
            position = max(position, try await log.checkpoint())
            progress.withLock { $0.position = max($0.position, position) }
            checkpointRead.withLock { $0 = true }
        }
        var count = 0
        while true {
            let events = try await log.events(after: position, limit: 256)
            guard let last = events.last else { return count }
            // A page's reactions, in log order within each key, keys side by side.
            var lanes: [String: [(Policies.Reaction, EventEnvelope)]] = [:]
            var order: [String] = []
            for event in events {
                for reaction in Policies.reactions(to: event) {
                    if lanes[reaction.key] == nil { order.append(reaction.key) }
                    lanes[reaction.key, default: []].append((reaction, event))
                }
            }
            let finished = await withTaskGroup(of: Bool.self) { group in
                var running = 0
                var allDone = true
                for key in order {
                    if running == concurrency, let done = await group.next() {
                        allDone = allDone && done
                        running -= 1
                    }
                    let lane = lanes[key]!
                    group.addTask {
                        for (reaction, event) in lane {
                            guard await self.send(reaction, for: event) else { return false }
                        }
                        return true
                    }
                    running += 1
                }
                for await done in group { allDone = allDone && done }
                return allDone
            }
            guard finished else { throw CancellationError() }
            position = last.position
            progress.withLock { $0.position = position }
            count += events.count
            try await log.saveCheckpoint(position)
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
                    metadata: ["command_id": "\(reaction.commandID)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        return true
    }
}
