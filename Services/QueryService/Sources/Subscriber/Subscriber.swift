import Contracts
import Logging
import Messaging

/// Keeps the projections in step with the command service's event log (docs/PROTOCOL.md §10, the
/// "Clone" pattern of the ZeroMQ guide): subscribe first, replay from checkpoint + 1 up to the head,
/// then apply live events, discarding those already applied.
///
/// PUB is lossy, so positions are the truth: a live event past checkpoint + 1 (a gap) or heartbeats
/// whose head stays ahead of the checkpoint (a silent tail) send it back to replay. Silence on the
/// events socket recreates it. An event it cannot read stops it for good, checkpoint before the event,
/// rather than skipping it. Every write goes through `ProjectionStore.apply`, so whatever arrives
/// twice is applied once.
public struct Subscriber: Sendable {
    let configuration: QueryConfiguration
    let store: ProjectionStore
    let sync: SyncState
    let metrics: QueryMetrics
    let rate: RateMeter
    let context: ZMQContext
    let logger: Logger

    /// Runs until its task is cancelled, or returns early once halted (an unreadable event, or
    /// another event log).
    public func run() async {
        var loop = SubscriberLoop(self)
        await loop.run()
    }
}

/// Stops the subscriber: an event it must not skip and cannot apply, or another event log than
/// the one the projections were built from.
struct Halt: Error, CustomStringConvertible {
    let description: String

    init(description: String) {
        self.description = description
    }

    init(otherLog detail: String) {
        description =
            "\(detail): this database was built from another event log. Rebuild it from this one "
            + "(cosmic-query rebuild) or give the service a new database file"
    }
}

/// The subscriber's mutable state, owned by its one task. Its work is in three extensions, one file
/// each: live events (`Subscriber+Live.swift`), catch-up from replay (`Subscriber+CatchUp.swift`)
/// and applying batches to the store (`Subscriber+Applying.swift`).
struct SubscriberLoop {
    let subscriber: Subscriber
    var configuration: QueryConfiguration { subscriber.configuration }
    var logger: Logger { subscriber.logger }
    let replay: ReplayClient
    var events: OwnedSocket?
    var checkpoint = 0
    /// The event log the checkpoint counts in (`ProjectionStore.log()`), once known.
    var log: String?
    var lastHeard = ContinuousClock.now
    /// The head of the previous heartbeat: still ahead of the checkpoint one heartbeat later means a
    /// silent tail (one heartbeat of grace lets events already in flight arrive).
    var previousHeartbeatHead: Int?
    var catchUpNeeded = true
    var nextCatchUp = ContinuousClock.now
    var backoff: Backoff

    init(_ subscriber: Subscriber) {
        self.subscriber = subscriber
        replay = ReplayClient(
            context: subscriber.context, endpoints: subscriber.configuration.replayEndpoints,
            timeout: subscriber.configuration.replayTimeout, security: subscriber.configuration.security)
        backoff = Backoff(maximum: subscriber.configuration.maxRetryDelay)
    }

    mutating func run() async {
        defer {
            events?.close()
            replay.close()
        }
        while !Task.isCancelled {
            do {
                checkpoint = try await subscriber.store.checkpoint()
                log = try await subscriber.store.log()
                replay.log = log
                break
            } catch {
                logger.error("cannot read the checkpoint", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: backoff.next())
            }
        }
        backoff.reset()
        let start = checkpoint
        subscriber.sync.update {
            $0.checkpoint = start
            $0.head = max($0.head, start)
        }
        logger.info("subscriber starting", metadata: ["checkpoint": "\(checkpoint)", "log": "\(log ?? "(none yet)")"])
        while !Task.isCancelled {
            do {
                try await step()
            } catch let halt as Halt {
                logger.critical("subscriber halted: \(halt)", metadata: ["checkpoint": "\(checkpoint)"])
                subscriber.sync.update {
                    $0.phase = .halted
                    $0.problem = halt.description
                }
                return
            } catch is CancellationError {
                return
            } catch {
                // E.g. an endpoint libzmq refuses: say so and keep trying, reads go on meanwhile.
                logger.error("subscriber failed; retrying", metadata: ["error": "\(error)"])
                subscriber.sync.update {
                    $0.connected = false
                    $0.problem = "\(error)"
                }
                events?.close()
                events = nil
                try? await Task.sleep(for: backoff.next())
            }
        }
    }

    /// One turn: make sure the SUB socket exists, catch up if due, then handle what arrives live.
    mutating func step() async throws {
        if events == nil {
            // Subscribe first: from now on live messages wait in the socket while replay runs.
            events = try openEventsSocket()
            lastHeard = .now
            previousHeartbeatHead = nil
            catchUpNeeded = true
        }
        if catchUpNeeded && ContinuousClock.now >= nextCatchUp {
            try await catchUp()
        }
        guard let events else { return }
        let silenceDeadline = lastHeard + configuration.silenceTimeout
        let deadline = catchUpNeeded ? min(silenceDeadline, nextCatchUp) : silenceDeadline
        do {
            let frames = try await events.receive(timeout: max(deadline - .now, .milliseconds(1)))
            heardFromUpstream()
            try await handleLive(frames, from: events)
        } catch MessagingError.timeout {
            guard ContinuousClock.now >= silenceDeadline else { return }
            logger.warning(
                "no message on the events socket: reconnecting",
                metadata: ["endpoint": "\(configuration.eventsEndpoint)", "silence": "\(configuration.silenceTimeout)"])
            subscriber.metrics.reconnects.increment()
            subscriber.sync.update {
                $0.connected = false
                $0.reconnects += 1
                $0.problem = "no message on \(configuration.eventsEndpoint) for \(configuration.silenceTimeout)"
            }
            events.close()
            self.events = nil
        } catch MessagingError.cancelled {
            throw CancellationError()
        } catch let error as MessagingError {
            logger.warning("events socket failed: reopening", metadata: ["error": "\(error)"])
            events.close()
            self.events = nil
            try await Task.sleep(for: backoff.next())
        }
    }

    func openEventsSocket() throws -> OwnedSocket {
        try OwnedSocket(
            context: subscriber.context, kind: .sub,
            options: SocketOptions(
                receiveHighWaterMark: configuration.receiveHighWaterMark, subscriptions: [""],
                reconnectInterval: .milliseconds(100), reconnectIntervalMax: .seconds(1),
                receiveBufferCapacity: configuration.receiveHighWaterMark, security: configuration.security),
            connect: configuration.eventsEndpoints)
    }

    mutating func heardFromUpstream() {
        lastHeard = .now
        if !subscriber.sync.status.connected {
            subscriber.sync.update {
                $0.connected = true
                $0.problem = nil
            }
        }
    }
}

extension EventDecodingError {
    /// The position of the event that could not be read, when it could be read.
    var position: Int? {
        switch self {
        case .unknownType(_, let position): position
        case .unsupportedSchemaVersion(_, _, let position): position
        case .malformed: nil
        }
    }
}
