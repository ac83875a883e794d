import Contracts
import Domain
import Logging
import Messaging
import ServiceLifecycle

/// The command socket: a ZeroMQ ROUTER that turns request frames into commands for the message bus
/// and answers each with exactly one reply, correlated by `command_id` (docs/PROTOCOL.md §2–§6).
///
/// Each request runs in a task of its own, so commands for different aggregates proceed concurrently
/// over the connection pool while the socket keeps reading; allocations arriving together are
/// committed together (`GroupCommitter`). An answer is due within `timeout`: a
/// database that hangs or is gone gives `unavailable` (retryable) on time, never silence; since
/// the client retries with the same command id, a command that did commit after all is answered
/// from its stored outcome then.
public final class CommandServer: Service {
    /// Options for the command socket: ZeroMQ itself drops a peer that sends more than
    /// `maximumMessageBytes` (a memory guard well above the protocol's 64 KiB frame limit, which the
    /// server answers with `frame_too_large`).
    /// With a CURVE `security`, each message carries its connection's User-Id for the gatekeeper.
    public static func socketOptions(maximumMessageBytes: Int = 1 << 20, security: SocketSecurity = .none)
        -> SocketOptions
    {
        RouterLoop.socketOptions(maximumMessageBytes: maximumMessageBytes, security: security)
    }

    private let loop: RouterLoop
    private let committer: GroupCommitter
    private let positions: any EventPositions
    private let state: ServiceState
    private let timeout: Duration
    private let metrics: ServiceMetrics
    private let gatekeeper: Gatekeeper?
    private let logger: Logger

    /// - Parameters:
    ///   - socket: a bound ROUTER socket (see `socketOptions`); the server closes it when it stops.
    ///   - timeout: the longest a command may take before it is answered `unavailable`.
    ///   - limits: the most commands in flight, in all and per client, beyond which a command is
    ///     answered `unavailable` at once.
    ///   - gatekeeper: secure mode's check of each command's sender (the socket must then be a CURVE
    ///     server that prefixes User-Ids); nil serves everyone who reaches the socket.
    public init(
        socket: OwnedSocket, committer: GroupCommitter, positions: any EventPositions, state: ServiceState,
        timeout: Duration, limits: RequestLimits = RequestLimits(), gatekeeper: Gatekeeper? = nil,
        metrics: ServiceMetrics, logger: Logger
    ) {
        self.loop = RouterLoop(
            socket: socket, timeout: timeout, limits: limits, withUserID: gatekeeper != nil, logger: logger)
        self.gatekeeper = gatekeeper
        self.committer = committer
        self.positions = positions
        self.state = state
        self.timeout = timeout
        self.metrics = metrics
        self.logger = logger
    }

    /// Serves until a graceful shutdown: then new commands get `shutting_down`, those in flight
    /// finish and are answered, and the socket closes.
    public func run() async throws {
        await loop.run(onStop: { [state] in state.markShuttingDown() }, late: lateReply, busy: busyReply) {
            request, responder in
            let started = ContinuousClock.now
            let (reply, type) = await self.reply(to: request)
            if responder.send(CommandCodec.encode(reply)) {
                self.record(reply, type: type, duration: ContinuousClock.now - started)
            }
        }
    }

    /// The reply to a command that has no answer by its deadline: the database hangs or is gone.
    /// The client's retry with the same id gets the stored outcome if the command did commit.
    private func lateReply(to request: RoutedRequest) -> [UInt8] {
        let decoded = (try? request.body.get()).flatMap { try? CommandCodec.decode($0).get() }
        let error = WireError.unavailable("the database did not answer in time (\(timeout))")
        logger.warning(
            "Command not answered in time",
            metadata: ["command_id": "\(decoded?.commandID ?? "?")", "timeout": "\(timeout)"])
        let reply = CommandReply.failure(commandID: decoded?.commandID, error: error)
        record(reply, type: decoded?.type.rawValue ?? "unknown", duration: timeout)
        return Array(CommandCodec.encode(reply))
    }

    /// The immediate reply to a command beyond the limits: nothing was done, retry shortly.
    private func busyReply(to request: RoutedRequest, limits: RequestLimits) -> [UInt8] {
        let decoded = (try? request.body.get()).flatMap { try? CommandCodec.decode($0).get() }
        let error = WireError.unavailable(
            "too many commands in flight (at most \(limits.perPeer) from one client, \(limits.total) in all); retry shortly"
        )
        let reply = CommandReply.failure(commandID: decoded?.commandID, error: error)
        record(reply, type: decoded?.type.rawValue ?? "unknown", duration: .zero)
        return Array(CommandCodec.encode(reply))
    }

    private func record(_ reply: CommandReply, type: String, duration: Duration) {
        metrics.command(
            type: type, status: reply.status.rawValue,
            outcome: reply.result?.outcome.rawValue ?? reply.error?.code.rawValue ?? "none", duration: duration)
    }

    /// The position of a committed command's last event. The command is durable whatever happens
    /// here: a failure is the store's unavailability, and the retry by command id gets the stored reply.
    private func committedPosition(of mark: EventMark) async throws -> Int {
        do {
            return try await positions.position(of: mark)
        } catch {
            throw UnitOfWorkError.unavailable("committed, but its position is not known yet: \(error)")
        }
    }

    /// The reply, and the command type for metrics (`unknown` when the frame could not be read).
    private func reply(to request: RoutedRequest) async -> (CommandReply, String) {
        let decoded: DecodedCommand
        let admit: (inout CommandRequest) throws(WireError) -> Void = { [gatekeeper] command throws(WireError) in
            try gatekeeper?.admit(&command, userID: request.userID)
        }
        switch request.body.map({ CommandCodec.decode($0, admit: admit) }) {
        case .failure(let framing):
            return (.failure(commandID: nil, error: framing), "unknown")
        case .success(.failure(let decoding)):
            return (.failure(decoding), "unknown")
        case .success(.success(let command)):
            decoded = command
        }
        let id = decoded.commandID
        let type = decoded.type.rawValue
        switch state.phase {
        case .starting:
            return (.failure(commandID: id, error: .unavailable("the service is starting")), type)
        case .shuttingDown:
            return (.failure(commandID: id, error: .shuttingDown), type)
        case .serving:
            break
        }
        let envelope = CommandEnvelope(
            id: id, fingerprint: decoded.request.fingerprint, command: decoded.command,
            issuedBy: decoded.request.issuedBy)
        do {
            let receipt = try await committer.handle(envelope, caller: request.peer)
            var position: Int?
            if let mark = receipt.lastEvent {
                position = positions.knownPosition(of: mark)
                if position == nil { position = try await committedPosition(of: mark) }
            }
            logger.debug(
                "Command applied",
                metadata: ["command_id": "\(id)", "type": "\(type)", "repeat": "\(receipt.isRepeat)"])
            return (.ok(commandID: id, result: CommandReplies.result(receipt.outcome), position: position), type)
        } catch {
            guard let wire = CommandReplies.wireError(error) else {
                // A failure nobody foresaw may have come after the commit: answered as retryable,
                // so that the client's retry with this command id learns the outcome (invariant 9).
                logger.error(
                    "Command failed unexpectedly",
                    metadata: ["command_id": "\(id)", "type": "\(type)", "error": "\(String(reflecting: error))"])
                return (.failure(commandID: id, error: .outcomeUnknown("\(error)")), type)
            }
            // A command cancelled at its deadline was answered and logged as late already.
            if wire.retryable, !(error is CancellationError) {
                logger.warning(
                    "Command not processed",
                    metadata: [
                        "command_id": "\(id)", "type": "\(type)", "code": "\(wire.code.rawValue)",
                        "reason": "\(wire.message)",
                    ])
            }
            return (.failure(commandID: id, error: wire), type)
        }
    }
}
