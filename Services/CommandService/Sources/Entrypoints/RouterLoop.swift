import Logging
import Messaging
import ServiceLifecycle
import Synchronization

/// The serving loop both ROUTER sockets share: one task per request, exactly one reply each, on
/// time, bounded work (`RequestLimits`), and a graceful stop.
///
/// The loop only reads messages and starts tasks, so the socket is never held up by the database and
/// requests for different aggregates run concurrently over the pool. Each reply is due within
/// `timeout`: whichever comes first, the answer or its deadline, sends the one reply (`Responder`).
/// A request still unanswered at its deadline gets the server's late reply (`unavailable`), and its
/// task is cancelled and left to end by itself — a database that hangs may never return a query,
/// and that must hold up neither the client, nor the drain, nor shutdown. So the answer runs in the
/// request's own task, with no extra task or timer per request: one watch expires every deadline.
///
/// On graceful shutdown (or cancellation) `onStop` runs, so the server answers new requests with
/// `shutting_down`; the requests already in flight get until their deadlines to be answered; then
/// the socket is closed, which ends the loop.
final class RouterLoop: Sendable {
    private let socket: OwnedSocket
    private let timeout: Duration
    private let logger: Logger
    /// The time deadlines are measured in: the continuous clock, or a test's own.
    private let now: @Sendable () -> ContinuousClock.Instant
    private let limits: RequestLimits
    /// Whether the socket puts each connection's User-Id in front of its messages (secure mode).
    private let withUserID: Bool
    private let inFlight = Mutex(RequestsInFlight())
    /// Requests not yet answered, in the order of their deadlines (all are `timeout` after arrival).
    private let waiting = Mutex(DeadlineQueue())

    /// Options for a socket this loop serves: unroutable replies counted, not silently dropped; a
    /// peer whose message exceeds `maximumMessageBytes` dropped by ZeroMQ itself; with a CURVE
    /// `security`, each message prefixed with its connection's User-Id (for the gatekeeper).
    static func socketOptions(maximumMessageBytes: Int, security: SocketSecurity) -> SocketOptions {
        SocketOptions(
            linger: .milliseconds(500), maxMessageSize: maximumMessageBytes, routerMandatory: true,
            security: security, prefixesUserID: security.isServer)
    }

    /// `now` reads the time deadlines are measured in; a test passes a clock it moves itself, so
    /// that whether an answer is late depends on the test and never on how busy the machine is.
    init(
        socket: OwnedSocket, timeout: Duration, limits: RequestLimits = RequestLimits(), withUserID: Bool = false,
        logger: Logger, now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.socket = socket
        self.withUserID = withUserID
        self.timeout = timeout
        self.limits = limits
        self.logger = logger
        self.now = now
    }

    /// Serves until a graceful shutdown or cancellation. `answer` replies through its responder;
    /// `late` is the reply to a request that has no answer by its deadline, `busy` the immediate
    /// reply to one beyond the limits.
    func run(
        onStop: @escaping @Sendable () -> Void, late: @escaping @Sendable (RoutedRequest) -> [UInt8],
        busy: @escaping @Sendable (RoutedRequest, RequestLimits) -> [UInt8],
        answer: @escaping @Sendable (RoutedRequest, Responder) async -> Void
    ) async {
        async let served: Void = serve(answer, busy: busy)
        async let watched: Void = expire(late: late)
        do {
            try await gracefulShutdown()
        } catch {}  // cancelled: stop at once
        onStop()
        let drainDeadline = now() + timeout + .seconds(1)
        while requestsInFlight > 0 && now() < drainDeadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let unanswered = waiting.withLock { $0.takeAll() }.filter { expire($0, late: late) }.count
        if unanswered > 0 {
            logger.warning("Closing with requests still in flight", metadata: ["in_flight": "\(unanswered)"])
        }
        // `send` only queues for the socket's thread; give it a moment to hand the last replies to
        // libzmq, whose linger then delivers them.
        if !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
        socket.close()
        await served
        await watched
    }

    /// Requests received and not yet answered.
    var requestsInFlight: Int { inFlight.withLock { $0.total } }

    private func serve(
        _ answer: @escaping @Sendable (RoutedRequest, Responder) async -> Void,
        busy: (RoutedRequest, RequestLimits) -> [UInt8]
    ) async {
        for await frames in socket.messages {
            let request = RoutedRequest(frames, withUserID: withUserID)
            guard inFlight.withLock({ $0.admit(request.peer, within: limits) }) else {
                try? socket.send(request.reply(busy(request, limits)))
                continue
            }
            let responder = Responder(request, deadline: now() + timeout, loop: self)
            responder.attach(Task { await answer(request, responder) })
            waiting.withLock { $0.append(responder) }
        }
    }

    /// Sends the late reply for every request whose deadline passed, until the loop stops.
    private func expire(late: @escaping @Sendable (RoutedRequest) -> [UInt8]) async {
        let tick = max(min(timeout / 20, .milliseconds(50)), .milliseconds(1))
        while !Task.isCancelled && !socket.isClosed {
            try? await Task.sleep(for: tick)
            let instant = now()
            for responder in waiting.withLock({ $0.takeExpired(at: instant) }) { expire(responder, late: late) }
        }
    }

    /// Sends the late reply unless the answer went first; true when it was sent.
    @discardableResult
    private func expire(_ responder: Responder, late: (RoutedRequest) -> [UInt8]) -> Bool {
        guard let (request, task) = responder.claim() else { return false }  // answered already
        task?.cancel()
        deliver(late(request), to: request)
        return true
    }

    /// Sends a request's one reply and counts it out.
    fileprivate func deliver(_ body: some Sequence<UInt8>, to request: RoutedRequest) {
        inFlight.withLock { $0.release(request.peer) }
        try? socket.send(request.reply(body))
    }
}

/// The right to send a request's one reply: its answer and its deadline race for it. Once either
/// has replied, only the deadline stays (until the watch reaches it), not the request.
final class Responder: Sendable {
    fileprivate let deadline: ContinuousClock.Instant
    private let loop: RouterLoop
    private let state: Mutex<State>

    private enum State {
        case waiting(RoutedRequest, Task<Void, Never>?)
        case answered
    }

    fileprivate init(_ request: RoutedRequest, deadline: ContinuousClock.Instant, loop: RouterLoop) {
        self.deadline = deadline
        self.loop = loop
        self.state = Mutex(.waiting(request, nil))
    }

    /// Sends `body` as the reply, unless the late reply went first; true when this one was sent.
    @discardableResult
    func send(_ body: some Sequence<UInt8>) -> Bool {
        guard let (request, _) = claim() else { return false }
        loop.deliver(body, to: request)
        return true
    }

    /// Keeps the request's task, so that its deadline can cancel it.
    fileprivate func attach(_ task: Task<Void, Never>) {
        state.withLock { if case .waiting(let request, nil) = $0 { $0 = .waiting(request, task) } }
    }

    /// Takes the right to reply: the request and its task (if attached), or nil when it was taken.
    fileprivate func claim() -> (RoutedRequest, Task<Void, Never>?)? {
        state.withLock { state in
            guard case .waiting(let request, let task) = state else { return nil }
            state = .answered
            return (request, task)
        }
    }
}

/// Unanswered requests in arrival order, which is also their deadlines' order.
private struct DeadlineQueue: ~Copyable {
    private var responders: [Responder] = []
    private var start = 0

    mutating func append(_ responder: Responder) { responders.append(responder) }

    /// Removes and returns those whose deadline is at or before `now` (answered ones included:
    /// they are simply forgotten when their turn comes).
    mutating func takeExpired(at now: ContinuousClock.Instant) -> [Responder] {
        var end = start
        while end < responders.count && responders[end].deadline <= now { end += 1 }
        let expired = Array(responders[start..<end])
        start = end
        if start > 1024 && start * 2 > responders.count {
            responders.removeFirst(start)
            start = 0
        }
        return expired
    }

    mutating func takeAll() -> [Responder] {
        defer {
            responders = []
            start = 0
        }
        return Array(responders[start...])
    }
}
