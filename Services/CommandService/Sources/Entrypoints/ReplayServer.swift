import Contracts
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import Synchronization

/// The replay socket: a ZeroMQ ROUTER where a reader asks for events from a position on and gets
/// them in order with the current head (docs/PROTOCOL.md §8). It is how readers fill gaps the PUB
/// socket left and catch up after downtime, so it serves the whole log, from position 1.
///
/// A bad request gets an error object and the server keeps serving; a database that does not answer
/// within `timeout` gives `unavailable`.
public final class ReplayServer: Service {
    /// Options for the replay socket; as on the command socket, ZeroMQ drops a peer whose message
    /// exceeds `maximumMessageBytes`.
    public static func socketOptions(maximumMessageBytes: Int = 1 << 20, security: SocketSecurity = .none)
        -> SocketOptions
    {
        RouterLoop.socketOptions(maximumMessageBytes: maximumMessageBytes, security: security)
    }

    private let loop: RouterLoop
    private let log: any EventLogPages
    private let state: ServiceState
    private let timeout: Duration
    private let gatekeeper: Gatekeeper?
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)

    /// Replay pages are large (up to 10,000 events): a reader has one request in flight per DEALER,
    /// so a few per peer is plenty.
    public static let defaultLimits = RequestLimits(total: 256, perPeer: 16)

    /// - Parameters:
    ///   - socket: a bound ROUTER socket; the server closes it when it stops.
    ///   - limits: the most requests in flight, in all and per reader, beyond which a request is
    ///     answered `unavailable` at once.
    ///   - gatekeeper: secure mode's check that the reader still holds the `reader` role.
    public init(
        socket: OwnedSocket, log: any EventLogPages, state: ServiceState, timeout: Duration,
        limits: RequestLimits = ReplayServer.defaultLimits, gatekeeper: Gatekeeper? = nil, logger: Logger
    ) {
        self.loop = RouterLoop(
            socket: socket, timeout: timeout, limits: limits, withUserID: gatekeeper != nil, logger: logger)
        self.gatekeeper = gatekeeper
        self.log = log
        self.state = state
        self.timeout = timeout
        self.logger = logger
    }

    public func run() async throws {
        let late = ReplayReply.failure(.unavailable("the database did not answer in time (\(timeout))"))
        await loop.run(
            onStop: { self.stopping.store(true, ordering: .relaxed) }, late: { _ in Self.frame(late) },
            busy: { _, limits in
                Self.frame(
                    .failure(
                        .unavailable(
                            "too many replay requests in flight (at most \(limits.perPeer) from one reader, \(limits.total) in all); retry shortly"
                        )))
            }
        ) { request, responder in
            responder.send(await self.reply(to: request))
        }
    }

    /// The reply frame: a page written straight from the stored rows, or an error.
    private func reply(to request: RoutedRequest) async -> [UInt8] {
        do throws(WireError) {
            try gatekeeper?.admitReader(userID: request.userID)
        } catch {
            return Self.frame(.failure(error))
        }
        let asked: ReplayRequest
        switch request.body.flatMap(ReplayCodec.decodeRequest) {
        case .failure(let error): return Self.frame(.failure(error))
        case .success(let request): asked = request
        }
        if stopping.load(ordering: .relaxed) { return Self.frame(.failure(.shuttingDown)) }
        if state.phase == .starting { return Self.frame(.failure(.unavailable("the service is starting"))) }
        do {
            let head: Int
            if let asked = asked.log {
                let (current, served) = try await log.currentHeadAndIdentity()
                guard asked.utf8.elementsEqual(served.utf8) else {
                    return Self.frame(.failure(.otherLog(asked: asked, served: served)))
                }
                head = current
            } else {
                head = try await log.currentHead()
            }
            guard asked.from <= head else { return asked.encoding.emptyPage(head: head) }
            // Read no further than `head`, so the response is exactly what it says.
            let count = min(asked.limit, head - asked.from + 1)
            return try await log.page(from: asked.from, limit: count, head: head, encoding: asked.encoding)
        } catch {
            return Self.frame(.failure(failure(error)))
        }
    }

    /// An error (or other small) reply as frame bytes; pages are written as bytes directly.
    private static func frame(_ reply: ReplayReply) -> [UInt8] { Array(ReplayCodec.encode(reply)) }

    private func failure(_ error: any Error) -> WireError {
        if let wire = CommandReplies.wireError(error) {
            logger.warning("Replay request not served", metadata: ["reason": "\(wire.message)"])
            return wire
        }
        logger.error("Replay failed unexpectedly", metadata: ["error": "\(String(reflecting: error))"])
        return .internal("replay failed unexpectedly: \(error)")
    }
}
