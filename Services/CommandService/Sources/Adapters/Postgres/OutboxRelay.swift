import Contracts
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The outbox relay: the book's "publisher" adapter, which puts committed events on the PUB socket.
///
/// Events are committed into the event log with their command and numbered — by a group commit as
/// it commits, or after commit by the `Sequencer` for a command alone; the relay publishes them as
/// `[topic, envelope]` in position order, and remembers how far it got in `event_relay.published`
/// with its next read, so events committed but not published when a process died go out after a
/// restart. A group commit of this process hands over its events already encoded
/// (`CommittedFrames`): those that continue what was sent go out without a read, and the log is
/// read at least once a tick all the same. A published event may go out twice after such a crash
/// (readers discard positions they applied); one is never skipped.
///
/// Several instances may share a database, and exactly one relay publishes at a time: the one holding
/// a session-level advisory lock on a dedicated connection. The others try again every second and
/// take over when the leader's session ends. The leader is woken by its own sequencer's rounds, and
/// on a short tick it runs a round itself, so that events committed by another instance (or one that
/// crashed between commit and numbering) get positions too. Every relay, leading or not, sends a
/// heartbeat carrying the published head and the log's id at least once a second.
public final class OutboxRelay: Service {
    public struct Settings: Sendable {
        /// How often the leader looks for events committed elsewhere (and numbers them).
        public var tick: Duration
        /// Heartbeats go out at least this often (the protocol promises at least once a second).
        public var heartbeatInterval: Duration
        /// How often a relay that is not the leader tries to become it.
        public var electionRetry: Duration
        /// Events read and published per round trip.
        public var batchSize: Int
        /// Connecting the dedicated connection gives up after this.
        public var connectTimeout: Duration
        /// On shutdown, how long the leader may take to number and publish what is committed.
        public var flushTimeout: Duration
        /// The longest one statement on the relay's session may take before the session is given up.
        public var statementTimeout: Duration

        public init(
            tick: Duration = .milliseconds(100), heartbeatInterval: Duration = .milliseconds(500),
            electionRetry: Duration = .seconds(1), batchSize: Int = 1000, connectTimeout: Duration = .seconds(2),
            flushTimeout: Duration = .seconds(5), statementTimeout: Duration = .seconds(5)
        ) {
            self.tick = tick
            self.heartbeatInterval = heartbeatInterval
            self.electionRetry = electionRetry
            self.batchSize = max(1, batchSize)
            self.connectTimeout = connectTimeout
            self.flushTimeout = flushTimeout
            self.statementTimeout = statementTimeout
        }
    }

    /// An arbitrary constant that names "Cosmic's publishing relay" among advisory locks.
    public static let leadershipLockKey: Int64 = 7_310_422_002

    private let connection: PostgresConnection.Configuration
    private let sequencer: Sequencer
    private let socket: OwnedSocket
    private let settings: Settings
    private let metrics: ServiceMetrics
    private let logger: Logger
    private let leading = Atomic<Bool>(false)
    private let stopRequested = Atomic<Bool>(false)
    private let roundRequested = Atomic<Bool>(false)
    /// Numbers the relay's sessions in logs, apart from the pool's connections.
    private let sessions = Atomic<Int>(1_000_000)

    /// - Parameters:
    ///   - database: where the event log is; the relay opens its own connection to it.
    ///   - socket: a bound XPUB socket (a PUB that greets new subscribers with the log's id); the
    ///     relay only sends on it and sets its welcome, and does not close it.
    public init(
        database: DatabaseSettings, sequencer: Sequencer, socket: OwnedSocket,
        settings: Settings = Settings(), metrics: ServiceMetrics, logger: Logger
    ) {
        self.connection = database.dedicatedConnection(connectTimeout: settings.connectTimeout)
        self.sequencer = sequencer
        self.socket = socket
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
    }

    /// Whether this relay holds the publishing lock right now.
    public var isLeader: Bool { leading.load(ordering: .relaxed) }

    /// Publishes while it leads, until a graceful shutdown (after publishing everything committed
    /// so far, if it leads) or cancellation (at once). Start it once the schema is migrated
    /// (`WhenServing`).
    public func run() async throws {
        // Woken by the sequencer's new heads (yielded by the committing task itself) and by the tick.
        let (wakes, wake) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        sequencer.listen(wake)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [tick = settings.tick] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: tick)
                    wake.yield(0)
                }
            }
            await withGracefulShutdownHandler {
                await self.elect(wakes)
            } onGracefulShutdown: {
                self.stopRequested.store(true, ordering: .relaxed)
                wake.yield(0)
            }
            group.cancelAll()
        }
    }

    private var stopping: Bool { stopRequested.load(ordering: .relaxed) || Task.isCancelled }

    /// Tries to lead every `electionRetry` until asked to stop.
    private func elect(_ wakes: AsyncStream<Int>) async {
        var wakeups = wakes.makeAsyncIterator()
        while !stopping {
            let attempt = ContinuousClock.now
            await session(&wakeups)
            while !stopping && ContinuousClock.now - attempt < settings.electionRetry {
                guard await wakeups.next() != nil else { return }
            }
        }
    }

    /// One database session: tries the lock every `electionRetry` and publishes while it holds it.
    /// Returns when the session fails or the relay stops; closing the session releases the lock.
    private func session(_ wakeups: inout AsyncStream<Int>.Iterator) async {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: self.connection, id: sessions.add(1, ordering: .relaxed).newValue,
                logger: logger)
        } catch {
            logger.debug("Relay cannot reach the database", metadata: ["error": "\(String(reflecting: error))"])
            return
        }
        do {
            // Should this host vanish without closing the connection, the server notices within
            // seconds (rather than hours) and frees the lock for another instance. The published
            // mark is committed without waiting for its flush to disk: a mark lost in a crash only
            // means publishing a few events again (readers discard them), and a flush per batch
            // would hold up the next batch of every command's events by one disk write.
            _ = try await onSession(connection) { [logger] connection in
                try await connection.checkedQuery(
                    """
                    SELECT set_config('tcp_keepalives_idle', '5', false),
                           set_config('tcp_keepalives_interval', '2', false),
                           set_config('tcp_keepalives_count', '3', false),
                           set_config('synchronous_commit', 'off', false)
                    """, logger: logger
                ).collect().count
            }
            let log = try await onSession(connection) { [logger] in
                try await PostgresEventLog.logIdentity(on: $0, logger: logger)
            }
            // Every subscriber that connects from now on hears the log's id first (docs/PROTOCOL.md §9).
            try socket.setWelcome(Welcome.encode(log: log))
            var lastHeartbeat: ContinuousClock.Instant?
            while !stopping {
                if try await tryLock(connection) {
                    setLeading(true)
                    try await lead(on: connection, log: log, &wakeups)
                    break
                }
                let attempt = ContinuousClock.now
                repeat {
                    if lastHeartbeat.map({ ContinuousClock.now - $0 >= settings.heartbeatInterval }) ?? true {
                        lastHeartbeat = .now
                        try await beatAsFollower(on: connection, log: log)
                    }
                    guard await wakeups.next() != nil else { break }
                } while !stopping && ContinuousClock.now - attempt < settings.electionRetry
            }
        } catch {
            logger.warning(
                "Relay lost its database session", metadata: ["error": "\(String(reflecting: error))"])
        }
        setLeading(false)
        try? await connection.close()
    }

    /// A relay that does not lead still sends heartbeats, carrying what the leader has published:
    /// a reader subscribed to every instance hears the head from each, so it notices a silent tail
    /// and stays connected whichever instance leads, and when the leader dies.
    private func beatAsFollower(on connection: PostgresConnection, log: String) async throws {
        let published = try await onSession(connection) { [logger] connection in
            var published = 0
            for try await value in try await connection.checkedQuery(
                "SELECT published FROM event_relay WHERE id = 1", logger: logger
            ).decode(Int.self) { published = value }
            return published
        }
        try beat(head: published, log: log)
    }

    private func beat(head: Int, log: String) throws {
        try socket.send([
            Array(Topic.heartbeat.utf8), Array(EventCodec.encode(Heartbeat(head: head, time: Date(), log: log))),
        ])
    }

    private func setLeading(_ leading: Bool) {
        guard self.leading.exchange(leading, ordering: .relaxed) != leading else { return }
        metrics.relayLeadership(leading)
        logger.info(leading ? "Relay is the leader: publishing events" : "Relay no longer leads")
    }

    private func tryLock(_ connection: PostgresConnection) async throws -> Bool {
        try await onSession(connection) { [logger] connection in
            var locked = false
            for try await value in try await connection.checkedQuery(
                "SELECT pg_try_advisory_lock(\(Self.leadershipLockKey))", logger: logger
            ).decode(Bool.self) { locked = value }
            return locked
        }
    }

    /// Runs a statement on the relay's session, bounded in time. A query sent on a connection the
    /// server has just closed can wait forever in PostgresNIO; a leader stuck there would neither
    /// publish nor give up its session, so a late statement ends the session instead.
    private func onSession<T: Sendable>(
        _ connection: PostgresConnection, _ statement: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        guard !connection.isClosed else { throw OutboxRelayError.sessionClosed }
        return try await Deadline.run(within: settings.statementTimeout) { try await statement(connection) }
    }

    /// Publishes while the session lasts. On a stop request it numbers and publishes what is
    /// committed, marks it, sends a last heartbeat and returns.
    private func lead(
        on connection: PostgresConnection, log: String, _ wakeups: inout AsyncStream<Int>.Iterator
    ) async throws {
        var lastHeartbeat: ContinuousClock.Instant?
        var lastRound: ContinuousClock.Instant?
        var lastRead: ContinuousClock.Instant?
        let (head, published) = try await onSession(connection) { [logger] in
            try await OutboxRelay.marks(on: $0, logger: logger)
        }
        var progress = Progress(sent: published, marked: published, head: head)
        // Before the first event: a reader that stayed subscribed while this endpoint came back on
        // another database hears the log's id before any of its events.
        lastHeartbeat = .now
        try beat(head: published, log: log)
        while true {
            let finishing = stopping
            if finishing {
                do {
                    try await Deadline.run(within: settings.flushTimeout) { [sequencer] in
                        try await sequencer.completeRound()
                    }
                } catch {
                    logger.warning("Relay could not number the last events", metadata: ["error": .error(error)])
                }
            } else if lastRound.map({ ContinuousClock.now - $0 >= settings.tick }) ?? true {
                lastRound = .now
                requestRound()
            }
            // A group's events go out from memory when they continue what was sent; the log is read
            // when they do not, and at least once a tick (which also moves the published mark).
            let fromMemory = finishing ? 0 : try publishCommitted(&progress)
            var more = fromMemory == settings.batchSize
            if fromMemory == 0 || lastRead.map({ ContinuousClock.now - $0 >= settings.tick }) ?? true {
                lastRead = .now
                more = try await publishBatch(on: connection, &progress)
            }
            // Stopping: everything committed goes out, and the last pass (which reads nothing) marks it.
            while finishing && (more || progress.marked < progress.sent) {
                more = try await publishBatch(on: connection, &progress)
            }
            if finishing || lastHeartbeat.map({ ContinuousClock.now - $0 >= settings.heartbeatInterval }) ?? true {
                lastHeartbeat = .now
                try beat(head: progress.marked, log: log)
            }
            if finishing || Task.isCancelled { return }
            if more { continue }  // a backlog: keep going without waiting
            guard await wakeups.next() != nil else { return }
        }
    }

    /// How far this leader got: events handed to the socket, and the mark committed for them.
    private struct Progress {
        var sent: Int
        var marked: Int
        /// The highest head seen, for the backlog metric.
        var head: Int
    }

    /// Asks the sequencer for a round without waiting for it: its result wakes the relay through
    /// its listener (`Sequencer.listen`), and a busy pool must not hold up publishing what is already numbered.
    private func requestRound() {
        guard roundRequested.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            return
        }
        Task {
            defer { self.roundRequested.store(false, ordering: .relaxed) }
            do {
                try await self.sequencer.completeRound()
            } catch {
                self.logger.debug("Relay's sequencing round failed", metadata: ["error": .error(error)])
            }
        }
    }

    /// Publishes the frames of group commits that continue what was sent (`CommittedFrames`), without
    /// a round trip. Returns how many.
    private func publishCommitted(_ progress: inout Progress) throws -> Int {
        let frames = sequencer.committed.take(after: progress.sent, limit: settings.batchSize)
        guard let last = frames.last?.position else { return 0 }
        for frame in frames { try socket.send([frame.topic, Array(frame.envelope)]) }
        progress.sent = last
        progress.head = max(progress.head, progress.sent, sequencer.knownHead)
        metrics.relayPublished(frames.count, head: progress.head, published: progress.sent)
        return frames.count
    }

    /// One round trip: marks what the previous pass sent, and reads and publishes the next batch.
    /// Returns whether a full batch came back (more may be waiting).
    ///
    /// The mark trails the socket by one pass (at most a tick when the log is quiet): a crash
    /// between the two republishes those events, which readers discard, and never skips one.
    private func publishBatch(on connection: PostgresConnection, _ progress: inout Progress) async throws -> Bool {
        let sent = progress.sent
        // Each event's PUB frames, written from the stored row without parsing its payload.
        let frames = try await onSession(connection) { [logger, batchSize = settings.batchSize] in
            var frames: [(position: Int, topic: [UInt8], envelope: Data)] = []
            try await PostgresEventLog.forEachStored(
                $0.execute(Statements.MarkAndReadNext.self, PostgresBindings(sent, batchSize), logger: logger)
            ) { frames.append(($0.position, Array($0.type.topic.utf8), try EventCodec.encode($0))) }
            return frames
        }
        progress.marked = sent
        if let last = frames.last?.position {
            guard frames.first?.position == sent + 1, last == sent + frames.count else {
                throw OutboxRelayError.gap(after: sent, found: frames.map(\.position))
            }
            for frame in frames {
                try socket.send([frame.topic, Array(frame.envelope)])
            }
            progress.sent = last
        }
        progress.head = max(progress.head, progress.sent, sequencer.knownHead)
        metrics.relayPublished(frames.count, head: progress.head, published: progress.sent)
        return frames.count == settings.batchSize
    }

    private static func marks(on connection: PostgresConnection, logger: Logger) async throws -> (Int, Int) {
        for try await marks in try await connection.checkedQuery(
            "SELECT head, published FROM event_head, event_relay WHERE event_head.id = 1 AND event_relay.id = 1",
            logger: logger
        ).decode((Int, Int).self) { return marks }
        throw OutboxRelayError.noHead
    }

    /// How far the log is numbered and published, for `/health`.
    public static func status(client: any ConnectionSource, logger: Logger) async throws -> OutboxStatus {
        try await client.withConnection { connection in
            let rows = try await connection.checkedQuery(
                """
                SELECT head, published, (SELECT count(*) FROM event_log WHERE position IS NULL)::bigint
                FROM event_head, event_relay WHERE event_head.id = 1 AND event_relay.id = 1
                """, logger: logger)
            for try await (head, published, unpositioned) in rows.decode((Int, Int, Int).self) {
                return OutboxStatus(head: head, published: published, unpositioned: unpositioned)
            }
            throw OutboxRelayError.noHead
        }
    }
}

/// Where the outbox stands: `head` is the last position given, `published` the last one the relay
/// published, and `unpositioned` counts committed events still waiting for a position.
public struct OutboxStatus: Sendable, Hashable, Codable {
    public let head: Int
    public let published: Int
    public let unpositioned: Int

    /// Events committed and not yet published.
    public var unpublished: Int { max(0, head - published) + unpositioned }
}

enum OutboxRelayError: Error, CustomStringConvertible {
    case noHead
    case sessionClosed
    case gap(after: Int, found: [Int])

    var description: String {
        switch self {
        case .noHead: "event_head has no row: the schema is not migrated"
        case .sessionClosed: "the relay's database session is closed"
        case .gap(let after, let found):
            "positions after \(after) are not contiguous: found \(found.prefix(5))…"
        }
    }
}
