import Contracts
import Foundation
import Messaging
import Synchronization
import TestSupport

/// Plays the command service for the read side's tests: an XPUB socket greeting each subscriber
/// with its log's id and publishing `[topic, envelope]` and heartbeats, and a ROUTER answering replay requests, both over an in-memory event log.
///
/// Unlike the real service it misbehaves on request: it can leave events unpublished (a dropped PUB
/// message), publish an event again, stop its heartbeats, serve a wrong event, stop and restart on
/// the same endpoints, hold replay beyond a position. Every socket and task it starts, `stop()` ends.
///
/// Its endpoints are `ipc://` paths in a folder of its own, so they are its alone: once it is
/// stopped nothing answers there (another test's upstream cannot take over a freed port), and a
/// restart binds exactly the same paths again. It serves and beats on a thread of its own, as a
/// real command service would in its own process: its answers do not wait behind the tests that
/// share the cooperative pool, so a reader's timeouts fire only when it really is silent.
final class FakeUpstream: Sendable {
    private struct State {
        /// The event log's id its heartbeats carry; a replay request naming another is answered `other_log`.
        var logID: String
        var log: [EventEnvelope] = []
        /// Raw replay envelopes by position, replacing the encoded event (to serve unknown types).
        var rawOverrides: [Int: String] = [:]
        var publisher: OwnedSocket?
        var router: OwnedSocket?
        var tasks: [Task<Void, Never>] = []
        var heartbeatsPaused = false
        var replayRequests = 0
        /// The routing ids replay requests came from: one per DEALER.
        var replayPeers = Set<[UInt8]>()
        /// Throttled replay: at most this many events per reply, each reply after `replayDelay`.
        var replayPageLimit: Int?
        var replayDelay: Duration = .zero
        /// Replay requests from beyond this position wait unanswered (a catch-up that cannot finish)
        /// in `heldReplay`, as `[routing id, request]`, until the hold is lifted.
        var replayHeldAfter: Int?
        var heldReplay: [Frames] = []
    }

    let context: ZMQContext
    let heartbeatInterval: Duration
    let eventsEndpoint: String
    let replayEndpoint: String
    private let folder: EndpointFolder
    private let executor = OwnThreadExecutor(name: "fake-upstream")
    private let state: Mutex<State>

    init(heartbeatInterval: Duration = .milliseconds(100), logID: String = UUID().uuidString.lowercased()) throws {
        context = try ZMQContext()
        self.heartbeatInterval = heartbeatInterval
        state = Mutex(State(logID: logID))
        folder = try EndpointFolder()
        eventsEndpoint = folder.endpoint("events")
        replayEndpoint = folder.endpoint("replay")
        try start()
    }

    deinit {
        stop()
        executor.shutdown()
        folder.remove()
    }

    /// An endpoint in this upstream's folder that nothing binds: a command instance that is down.
    var nobody: String { folder.nobody }
    var head: Int { state.withLock { $0.log.count } }
    var log: [EventEnvelope] { state.withLock { $0.log } }
    var replayRequests: Int { state.withLock { $0.replayRequests } }
    var replayPeerCount: Int { state.withLock { $0.replayPeers.count } }
    var isRunning: Bool { state.withLock { $0.publisher != nil } }
    var logID: String { state.withLock { $0.logID } }

    /// From now on it names another event log, as a command service that came back on another
    /// database at the same endpoints would.
    func switchLog(to logID: String) {
        let publisher = state.withLock { state in
            state.logID = logID
            return state.publisher
        }
        try? publisher?.setWelcome(Welcome.encode(log: logID))
    }

    /// Binds its endpoints (the same ones after a restart) and starts serving and beating.
    func start() throws {
        let publisher = try OwnedSocket(
            context: context, kind: .xpub, options: SocketOptions(sendHighWaterMark: 100), bind: [eventsEndpoint])
        try publisher.setWelcome(Welcome.encode(log: logID))
        let router = try OwnedSocket(context: context, kind: .router, bind: [replayEndpoint])
        let replayTask = Task(executorPreference: executor) { [weak self] in
            for await frames in router.messages {
                guard let self, frames.count == 2 else { continue }
                let (delay, held) = self.state.withLock { state in
                    state.replayPeers.insert(frames[0])
                    let held = FakeUpstream.isHeld(frames, after: state.replayHeldAfter)
                    if held { state.heldReplay.append(frames) }
                    return (state.replayDelay, held)
                }
                if held { continue }
                if delay > .zero { try? await Task.sleep(for: delay) }
                try? router.send([frames[0], self.replayReply(to: frames[1])])
            }
        }
        let interval = heartbeatInterval
        let heartbeatTask = Task(executorPreference: executor) { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                let (head, paused, logID) = self.state.withLock { ($0.log.count, $0.heartbeatsPaused, $0.logID) }
                if !paused {
                    let heartbeat = Heartbeat(head: head, time: Date(), log: logID)
                    try? publisher.send([Array(Topic.heartbeat.utf8), Array(EventCodec.encode(heartbeat))])
                }
                try? await Task.sleep(for: interval)
            }
        }
        state.withLock {
            $0.publisher = publisher
            $0.router = router
            $0.tasks = [replayTask, heartbeatTask]
        }
    }

    /// Closes both sockets and ends the tasks: the command service is down.
    func stop() {
        let (publisher, router, tasks) = state.withLock { state in
            defer {
                state.publisher = nil
                state.router = nil
                state.tasks = []
                state.heldReplay = []
            }
            return (state.publisher, state.router, state.tasks)
        }
        for task in tasks { task.cancel() }
        publisher?.close()
        router?.close()
    }

    func pauseHeartbeats(_ paused: Bool) { state.withLock { $0.heartbeatsPaused = paused } }

    /// Leaves every replay request from beyond `position` unanswered, or answers all again with nil:
    /// a reader catching up stops there, however fast it is, until the test lets it go on. Requests
    /// held so far that the new setting lets through are answered then, so a reader waiting on one
    /// goes on at once (not after its replay timeout).
    func holdReplay(after position: Int?) {
        let (router, released) = state.withLock { state in
            state.replayHeldAfter = position
            let released = state.heldReplay.filter { !Self.isHeld($0, after: position) }
            state.heldReplay.removeAll { !Self.isHeld($0, after: position) }
            return (state.router, released)
        }
        for frames in released { try? router?.send([frames[0], replayReply(to: frames[1])]) }
    }

    /// Whether a replay request (`[routing id, request]`) waits under a hold after `position`.
    private static func isHeld(_ frames: Frames, after position: Int?) -> Bool {
        guard let position, case .success(let request) = ReplayCodec.decodeRequest(frames[1]) else { return false }
        return request.from > position
    }

    /// Makes replay slow (`limit` events per reply, each after `delay`), or normal again with nil.
    func throttleReplay(limit: Int?, delay: Duration = .zero) {
        state.withLock {
            $0.replayPageLimit = limit
            $0.replayDelay = delay
        }
    }

    /// Appends events to the log (positions follow on) and publishes each one unless `publish` is
    /// false, which is how a test drops a PUB message. Returns the envelopes.
    @discardableResult
    func append(_ payloads: [EventPayload], publish: Bool = true) -> [EventEnvelope] {
        let envelopes = state.withLock { state in
            payloads.map { payload in
                let position = state.log.count + 1
                let envelope = History.envelope(position: position, payload: payload)
                state.log.append(envelope)
                return envelope
            }
        }
        if publish { for envelope in envelopes { self.publish(envelope) } }
        return envelopes
    }

    /// Appends events that happened at the given times (positions follow on), publishing each one
    /// unless `publish` says otherwise for its index.
    @discardableResult
    func append(timed steps: [ProcurementHistory.Step], publish: (Int) -> Bool = { _ in true }) -> [EventEnvelope] {
        let envelopes = state.withLock { state in
            steps.map { step in
                let envelope = History.envelope(position: state.log.count + 1, payload: step.payload, at: step.at)
                state.log.append(envelope)
                return envelope
            }
        }
        for (index, envelope) in envelopes.enumerated() where publish(index) { self.publish(envelope) }
        return envelopes
    }

    /// Publishes an event (again): redelivery is the subscriber's problem.
    func publish(_ envelope: EventEnvelope) {
        let publisher = state.withLock { $0.publisher }
        try? publisher?.send([Array(envelope.topic.utf8), Array(EventCodec.encode(envelope))])
    }

    /// Publishes a raw frame pair as is (e.g. an event of a type no reader knows).
    func publishRaw(topic: String, body: String) {
        let publisher = state.withLock { $0.publisher }
        try? publisher?.send([Array(topic.utf8), Array(body.utf8)])
    }

    /// Appends an event that this reader cannot understand: replay serves `json` at its position.
    func appendUnreadable(json: (Int) -> String) -> Int {
        state.withLock { state in
            let position = state.log.count + 1
            // The log keeps a placeholder so positions stay aligned; replay serves the raw JSON.
            state.log.append(
                History.envelope(
                    position: position,
                    payload: .outOfStock(OutOfStockPayload(sku: "PLACEHOLDER", orderID: "-", quantity: 1))))
            state.rawOverrides[position] = json(position)
            return position
        }
    }

    /// Appends a `BatchTeleported` event, a type from a newer writer that this reader does not
    /// know, for `aggregate` with `payload` (a JSON object). Returns its position.
    func appendUnknownEvent(aggregate: String, payload: String = "{}") -> Int {
        appendUnreadable { position in
            """
            {"position": \(position), "event_id": "00000000-0000-4000-8000-999999999999",
             "type": "BatchTeleported", "schema_version": 1, "occurred_at": "2026-11-26T02:00:00.000Z",
             "aggregate_id": "\(aggregate)", "aggregate_version": 9, "command_id": null, "payload": \(payload)}
            """
        }
    }

    /// Always JSON, whatever encoding the request asks for, as a command service older than binary
    /// pages answers: the query service's tests read JSON pages, the end-to-end tests binary ones.
    private func replayReply(to body: [UInt8]) -> [UInt8] {
        switch ReplayCodec.decodeRequest(body) {
        case .failure(let error):
            return Array(ReplayCodec.encode(.failure(error)))
        case .success(let request) where request.log.map({ $0 != self.logID }) ?? false:
            return Array(ReplayCodec.encode(.failure(.otherLog(asked: request.log!, served: self.logID))))
        case .success(let request):
            let (events, overrides, head) = state.withLock { state in
                state.replayRequests += 1
                let from = request.from
                let limit = min(request.limit, state.replayPageLimit ?? request.limit)
                let to = min(state.log.count, from + limit - 1)
                let events = from <= to ? Array(state.log[(from - 1)...(to - 1)]) : []
                return (events, state.rawOverrides, state.log.count)
            }
            guard events.contains(where: { overrides[$0.position] != nil }) else {
                return Array(ReplayCodec.encode(.events(ReplayResponse(events: events, head: head))))
            }
            // Splice raw envelopes in by hand, as a newer writer would have written them.
            let items = events.map { overrides[$0.position] ?? String(decoding: EventCodec.encode($0), as: UTF8.self) }
            return Array("{\"events\": [\(items.joined(separator: ","))], \"head\": \(head)}".utf8)
        }
    }
}
