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

    /// Runs until its task is cancelled, or returns early once halted on an unreadable event.
    public func run() async {
        var loop = SubscriberLoop(self)
        await loop.run()
    }
}

/// Stops the subscriber: an event it must not skip and cannot apply.
struct Halt: Error, CustomStringConvertible {
    let description: String
}

/// The subscriber's mutable state, owned by its one task.
private struct SubscriberLoop {
    private let subscriber: Subscriber
    private var configuration: QueryConfiguration { subscriber.configuration }
    private var logger: Logger { subscriber.logger }
    private let replay: ReplayClient
    private var events: OwnedSocket?
    private var checkpoint = 0
    private var lastHeard = ContinuousClock.now
    /// The head of the previous heartbeat: still ahead of the checkpoint one heartbeat later means a
    /// silent tail (one heartbeat of grace lets events already in flight arrive).
    private var previousHeartbeatHead: Int?
    private var catchUpNeeded = true
    private var nextCatchUp = ContinuousClock.now
    private var backoff: Backoff

    init(_ subscriber: Subscriber) {
        self.subscriber = subscriber
        replay = ReplayClient(
            context: subscriber.context, endpoints: subscriber.configuration.replayEndpoints,
            timeout: subscriber.configuration.replayTimeout)
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
        logger.info("subscriber starting", metadata: ["checkpoint": "\(checkpoint)"])
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
    private mutating func step() async throws {
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

    private func openEventsSocket() throws -> OwnedSocket {
        try OwnedSocket(
            context: subscriber.context, kind: .sub,
            options: SocketOptions(
                receiveHighWaterMark: configuration.receiveHighWaterMark, subscriptions: [""],
                reconnectInterval: .milliseconds(100), reconnectIntervalMax: .seconds(1),
                receiveBufferCapacity: configuration.receiveHighWaterMark),
            connect: configuration.eventsEndpoints)
    }

    private mutating func heardFromUpstream() {
        lastHeard = .now
        if !subscriber.sync.status.connected {
            subscriber.sync.update {
                $0.connected = true
                $0.problem = nil
            }
        }
    }

    // MARK: Live

    private enum Message {
        case event(EventEnvelope)
        case heartbeat(Heartbeat)
        case unreadableEvent(EventDecodingError)
        case other
    }

    private func classify(_ frames: Frames) -> Message {
        guard frames.count == 2 else { return .other }
        let topic = String(decoding: frames[0], as: UTF8.self)
        if topic == Topic.heartbeat {
            if case .success(let heartbeat) = EventCodec.decodeHeartbeat(frames[1]) { return .heartbeat(heartbeat) }
            return .other
        }
        guard topic.hasPrefix(Topic.eventPrefix) else { return .other }
        switch EventCodec.decode(frames[1]) {
        case .success(let event): return .event(event)
        case .failure(let error): return .unreadableEvent(error)
        }
    }

    /// Collects the contiguous events already received (up to a batch), applies them in one
    /// transaction, and schedules a replay on a gap, a silent tail or an unreadable event.
    private mutating func handleLive(_ first: Frames, from socket: OwnedSocket) async throws {
        var pending: [EventEnvelope] = []
        var duplicates = 0
        var replayReason: String?
        var message: Frames? = first
        while let frames = message {
            let applied = checkpoint + pending.count
            switch classify(frames) {
            case .event(let event):
                if event.position <= applied {
                    duplicates += 1
                } else if event.position == applied + 1 {
                    pending.append(event)
                } else {
                    replayReason = "gap: live event \(event.position) after \(applied)"
                    let position = event.position
                    subscriber.sync.update {
                        $0.head = max($0.head, position)
                        $0.gapsDetected += 1
                    }
                    subscriber.metrics.gapsDetected.increment()
                }
            case .heartbeat(let heartbeat):
                subscriber.sync.update { $0.head = max($0.head, heartbeat.head) }
                if let previous = previousHeartbeatHead, previous > applied {
                    replayReason = "silent tail: heartbeat head \(previous) after \(applied)"
                }
                previousHeartbeatHead = heartbeat.head
            case .unreadableEvent(let error):
                if let position = error.position, position <= applied {
                    duplicates += 1
                } else {
                    logger.warning("unreadable live event: checking with replay", metadata: ["error": "\(error)"])
                    replayReason = "unreadable live event"
                }
            case .other:
                break
            }
            guard replayReason == nil && pending.count < configuration.batchSize else { break }
            // What has arrived already joins the batch; waiting for more would delay all of it.
            message = socket.receiveIfAvailable()
            if message != nil { heardFromUpstream() }
        }
        if duplicates > 0 {
            subscriber.metrics.duplicatesDiscarded.increment(by: Int64(duplicates))
            subscriber.sync.update { $0.duplicatesDiscarded += duplicates }
        }
        if !pending.isEmpty {
            _ = await apply(pending, replayed: false)
        }
        if let replayReason, !catchUpNeeded {
            logger.debug("replaying", metadata: ["reason": "\(replayReason)"])
            catchUpNeeded = true
            nextCatchUp = .now
        }
    }

    // MARK: Catch-up

    /// Replays from checkpoint + 1 until the head of the last response. On failure it schedules the
    /// next attempt with back-off; on an unreadable event it applies what precedes it and halts.
    ///
    /// While a page is applied, the next one is already requested and decoded (see `apply`), so the
    /// SQLite writer, the network and the command service work at the same time instead of in turn.
    private mutating func catchUp() async throws {
        if subscriber.sync.status.phase != .live {
            subscriber.sync.update { $0.phase = .catchingUp }
        }
        var ahead: (from: Int, result: Result<ReplayResponse, ReplayFailure>)?
        while true {
            try Task.checkCancellation()
            let from = checkpoint + 1
            let response: ReplayResponse
            do {
                // A page fetched ahead is used only if it starts right after the checkpoint.
                let result: Result<ReplayResponse, ReplayFailure>
                if let ahead, ahead.from == from {
                    result = ahead.result
                } else {
                    result = await requestBatch(from: from)
                }
                ahead = nil
                response = try result.get()
            } catch .unavailable(let reason) {
                subscriber.metrics.replayFailures.increment()
                subscriber.sync.update {
                    $0.connected = false
                    $0.problem = reason
                }
                logger.warning("replay failed; retrying", metadata: ["reason": "\(reason)"])
                nextCatchUp = .now + backoff.next()
                return
            } catch .unreadable(let error) {
                try await applyBeforeUnreadable(error, from: from)
                throw Halt(description: "cannot apply the event log: \(error.wireError)")
            }
            heardFromUpstream()
            subscriber.sync.update { $0.head = max($0.head, response.head) }
            guard let last = response.events.last else { break }
            let next = last.position < response.head ? last.position + 1 : nil
            let (applied, prefetched) = await apply(response.events, replayed: true, fetchingFrom: next)
            guard applied else { return }
            if let next, let prefetched { ahead = (next, prefetched) }
            if checkpoint >= response.head { break }
        }
        catchUpNeeded = false
        backoff.reset()
        subscriber.sync.update {
            $0.phase = .live
            $0.problem = nil
        }
    }

    private func requestReplay(from: Int, limit: Int) async -> Result<ReplayResponse, ReplayFailure> {
        countReplayRequest()
        return await replay.result(from: from, limit: limit)
    }

    /// A transaction's worth of events (`batchSize`, in as many replay pages as that takes).
    private func requestBatch(from: Int) async -> Result<ReplayResponse, ReplayFailure> {
        await replay.batch(from: from, limit: configuration.batchSize, requested: countReplayRequest)
    }

    private func countReplayRequest() {
        subscriber.metrics.replayRequests.increment()
        subscriber.sync.update { $0.replayRequests += 1 }
    }

    /// The events before an unreadable one are fine: apply them, so the checkpoint stops right
    /// before the event that needs a newer reader.
    private mutating func applyBeforeUnreadable(_ error: EventDecodingError, from: Int) async throws {
        guard let position = error.position, position > from else { return }
        var next = from
        while next < position {
            guard
                case .success(let response) = await requestReplay(
                    from: next, limit: min(position - next, WireLimits.maximumReplayLimit)),
                !response.events.isEmpty, await apply(response.events, replayed: true).applied
            else { return }
            next = checkpoint + 1
        }
    }

    // MARK: Applying

    /// One transaction through the store. On failure nothing of the batch is committed: the
    /// checkpoint is re-read and a replay is scheduled after a back-off.
    ///
    /// With `fetchingFrom`, the replay page from there is requested while the transaction runs (on
    /// GRDB's writer thread) and returned beside the outcome; the caller uses it only if the
    /// checkpoint ends where the page starts.
    private mutating func apply(_ batch: [EventEnvelope], replayed: Bool, fetchingFrom next: Int? = nil) async -> (
        applied: Bool, prefetched: Result<ReplayResponse, ReplayFailure>?
    ) {
        let store = subscriber.store
        async let outcome = Self.timed { try await store.apply(batch) }
        var prefetched: Result<ReplayResponse, ReplayFailure>?
        if let next { prefetched = await requestBatch(from: next) }
        let (result, duration) = await outcome
        return (await record(result, of: batch, replayed: replayed, duration: duration), prefetched)
    }

    private static func timed(_ body: @Sendable () async throws -> Int) async -> (Result<Int, any Error>, Duration) {
        let started = ContinuousClock.now
        do {
            let value = try await body()
            return (.success(value), .now - started)
        } catch {
            return (.failure(error), .now - started)
        }
    }

    /// Books the outcome of a transaction: checkpoint, metrics and sync state, or the failure.
    private mutating func record(
        _ outcome: Result<Int, any Error>, of batch: [EventEnvelope], replayed: Bool, duration: Duration
    ) async -> Bool {
        do {
            let stored = try outcome.get()
            let applied = stored - checkpoint
            checkpoint = stored
            subscriber.metrics.batchDuration.record(duration)
            subscriber.metrics.batchesApplied.increment()
            (replayed ? subscriber.metrics.replayedEventsApplied : subscriber.metrics.liveEventsApplied)
                .increment(by: Int64(applied))
            subscriber.rate.record(applied)
            subscriber.sync.update {
                $0.checkpoint = stored
                $0.head = max($0.head, stored)
                if replayed { $0.replayedEventsApplied += applied } else { $0.liveEventsApplied += applied }
            }
            return true
        } catch {
            logger.error(
                "applying \(batch.count) events failed; nothing of the batch was committed",
                metadata: ["error": "\(error)", "checkpoint": "\(checkpoint)"])
            subscriber.metrics.applyFailures.increment()
            subscriber.sync.update {
                $0.applyFailures += 1
                $0.problem = "applying events failed: \(error)"
            }
            if let stored = try? await subscriber.store.checkpoint() { checkpoint = stored }
            catchUpNeeded = true
            nextCatchUp = .now + backoff.next()
            return false
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
