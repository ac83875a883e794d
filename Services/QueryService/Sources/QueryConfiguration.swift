import Contracts
import Messaging
import NIOCore

/// Every setting of the read side in one value, so the executable, the tests and `rebuild` build the
/// same service from flags, environment variables or code. Defaults suit one machine running everything.
public struct QueryConfiguration: Sendable {
    /// The command service's PUB socket (events and heartbeats): one endpoint, or a comma-separated
    /// list with one per command instance sharing the database (see `eventsEndpoints`).
    public var eventsEndpoint: String
    /// The command service's replay ROUTER socket: one endpoint, or a comma-separated list.
    public var replayEndpoint: String
    /// The SQLite file holding the projections and the checkpoint.
    public var databasePath: String
    /// HTTP listen address; port 0 lets the OS pick one (see `QueryService.listeningPort()`).
    public var httpHost: String
    public var httpPort: Int
    /// Most events applied in one SQLite transaction, asked for in replay pages of at most the
    /// protocol's maximum. Big enough that catch-up spends its time applying events rather than
    /// committing and asking: a transaction's fixed cost (a write per touched batch and SKU row, the
    /// feed) is paid once for all its events.
    public var batchSize: Int
    /// The most `batchSize` may be (ten replay pages).
    public static let maximumBatchSize = 10 * WireLimits.maximumReplayLimit
    /// Longest time a read with `min_position` waits for the projections to get there.
    public var readYourWritesMaxWait: Duration
    /// Silence on the events socket (no event, no heartbeat) after which the upstream counts as
    /// disconnected and the SUB socket is recreated. The command service beats at least once a second.
    public var silenceTimeout: Duration
    /// How long one replay request may take before the DEALER is recreated and the request retried.
    public var replayTimeout: Duration
    /// Longest pause between retries of a failed replay or a failed SQLite write.
    public var maxRetryDelay: Duration
    /// Lag (head − checkpoint) above which `/health` answers 503.
    public var healthyLag: Int
    /// ZeroMQ receive high-water mark of the SUB socket and the messages buffered above it. A
    /// subscriber slower than the stream loses live messages past these and refills them from replay.
    public var receiveHighWaterMark: Int
    /// How long a write waits for SQLite's lock before it fails (and is retried).
    public var sqliteBusyTimeout: Duration
    /// How long one `/events/stream` response lasts before the server ends it; browsers reconnect by
    /// themselves (EventSource), so connections are recycled and none outlives a graceful shutdown long.
    public var streamLifetime: Duration
    /// The most `/events/stream` responses open at once; beyond, 503 `too_many_streams`.
    public var maximumStreams: Int
    /// How long an HTTP connection may go without a whole request arriving (a request trickled in
    /// byte by byte included) before the server closes it; a response being written (a live stream)
    /// keeps it open.
    public var httpIdleTimeout: Duration
    /// The HTTP server's event loops. Point lookups are answered on them and everything else is
    /// answered on Swift's concurrency pool, SQLite's reader queues and the subscriber's threads, so
    /// half the cores (at least one) leaves the other half to those: on two cores, one loop served
    /// more lookups and dashboards than two, at a fraction of the tail latency (BENCHMARKS.md).
    public var httpThreads: Int
    /// The most bytes of request headers (one field, and all of them) the HTTP server reads; beyond,
    /// 431. The API's requests are a path and a few headers.
    public static let maximumHeaderBytes = 16 * 1024
    /// How the events and replay sockets connect: `.curveClient` with this service's keypair and the
    /// command service's public key when the command service runs in secure mode, `.none` otherwise.
    public var security: SocketSecurity = .none

    public init(
        eventsEndpoint: String = DefaultEndpoint.events,
        replayEndpoint: String = DefaultEndpoint.replay,
        databasePath: String = "cosmic-query.sqlite",
        httpHost: String = "127.0.0.1",
        httpPort: Int = 8080,
        batchSize: Int = 2 * WireLimits.maximumReplayLimit,
        readYourWritesMaxWait: Duration = .seconds(2),
        silenceTimeout: Duration = .seconds(5),
        replayTimeout: Duration = .seconds(3),
        maxRetryDelay: Duration = .seconds(2),
        healthyLag: Int = 1000,
        receiveHighWaterMark: Int = 1000,
        sqliteBusyTimeout: Duration = .seconds(5),
        streamLifetime: Duration = .seconds(60),
        maximumStreams: Int = 256,
        httpIdleTimeout: Duration = .seconds(30),
        httpThreads: Int = QueryConfiguration.defaultHTTPThreads
    ) {
        self.eventsEndpoint = eventsEndpoint
        self.replayEndpoint = replayEndpoint
        self.databasePath = databasePath
        self.httpHost = httpHost
        self.httpPort = httpPort
        self.batchSize = max(1, min(batchSize, Self.maximumBatchSize))
        self.readYourWritesMaxWait = readYourWritesMaxWait
        self.silenceTimeout = silenceTimeout
        self.replayTimeout = replayTimeout
        self.maxRetryDelay = maxRetryDelay
        self.healthyLag = healthyLag
        self.receiveHighWaterMark = max(1, receiveHighWaterMark)
        self.sqliteBusyTimeout = sqliteBusyTimeout
        self.streamLifetime = streamLifetime
        self.maximumStreams = max(1, maximumStreams)
        self.httpIdleTimeout = httpIdleTimeout
        self.httpThreads = max(1, httpThreads)
    }

    /// Half the cores, at least one (see ``httpThreads``).
    public static let defaultHTTPThreads = max(1, System.coreCount / 2)

    /// Every command instance's events endpoint. Exactly one instance publishes at a time (its relay
    /// leads), and every instance sends heartbeats, so a reader subscribed to all of them keeps
    /// following the log when the leader changes or dies.
    public var eventsEndpoints: [String] { Self.endpoints(eventsEndpoint) }

    /// Every command instance's replay endpoint; any of them answers from the same log.
    public var replayEndpoints: [String] { Self.endpoints(replayEndpoint) }

    /// The endpoints of a comma-separated list (an endpoint holds no blanks: they are dropped).
    static func endpoints(_ list: String) -> [String] {
        list.split(separator: ",").map { String($0.filter { !$0.isWhitespace }) }.filter { !$0.isEmpty }
    }
}
