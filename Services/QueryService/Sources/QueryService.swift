import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Messaging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `cosmic-query` as one ServiceLifecycle service: the subscriber keeping the SQLite projections in
/// step with the command service's events, and the HTTP server answering reads from them.
///
/// The two run side by side and fail independently: the HTTP API keeps answering (with the data as
/// of the checkpoint, and a `/health` that says so) while the upstream is down or the subscriber has
/// halted. Graceful shutdown stops the subscriber between transactions and drains HTTP.
public final class QueryService: Service {
    public let configuration: QueryConfiguration
    public let store: ProjectionStore
    public let sync = SyncState()
    public let metrics: QueryMetrics
    private let rate = RateMeter()
    private let logger: Logger
    private let port = Latch<Int>()

    /// Opens (and migrates) the database; sockets and the server start in `run()`.
    public init(
        configuration: QueryConfiguration, metrics: QueryMetrics = QueryMetrics(),
        logger: Logger = Logger(label: "cosmic-query")
    ) throws {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        store = try ProjectionStore(path: configuration.databasePath, busyTimeout: configuration.sqliteBusyTimeout)
    }

    /// The HTTP port once the server listens (the chosen one when configured with port 0).
    /// Resolves to -1 if the service stopped without ever listening (e.g. the port was taken).
    public func listeningPort() async -> Int { await port.value }

    public func run() async throws {
        defer { port.set(-1) }
        let context = try ZMQContext()
        defer { context.terminate() }
        let subscriber = Subscriber(
            configuration: configuration, store: store, sync: sync, metrics: metrics, rate: rate, context: context,
            logger: logger)
        let readModel = ReadModel(store: store)
        let readYourWrites = ReadYourWrites(sync: sync, maxWait: configuration.readYourWritesMaxWait, metrics: metrics)
        let api = QueryAPI(
            readModel: readModel, sync: sync, metrics: metrics, rate: rate, readYourWrites: readYourWrites,
            healthyLag: configuration.healthyLag, streamLifetime: configuration.streamLifetime,
            streams: StreamSlots(maximum: configuration.maximumStreams))
        let port = self.port
        let logger = self.logger
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: configuration.httpThreads)
        let application = Application(
            router: api.router(),
            server: .http1(
                configuration: HTTP1Channel.Configuration(
                    additionalChannelHandlers: [
                        ParserErrorAnswer(),
                        EventLoopAnswer.Installer(
                            { [metrics = self.metrics, idle = self.configuration.httpIdleTimeout] in
                                EventLoopAnswer(
                                    readModel: readModel, dashboard: { api.cachedDashboard() }, metrics: metrics,
                                    readYourWrites: readYourWrites, idleTimeout: .nanoseconds(idle.nanoseconds))
                            },
                            missing: {
                                logger.error(
                                    "HTTP pipeline without its HTTP/1 codec: every read goes through the router")
                            }),
                    ],
                    // EventLoopAnswer keeps the idle timeout: this server's own would not see the
                    // requests it answers.
                    idleTimeout: nil,
                    httpDecoderConfiguration: .init(
                        maxHeaderFieldSize: QueryConfiguration.maximumHeaderBytes,
                        maxHeaderListSize: QueryConfiguration.maximumHeaderBytes))),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                logger.info(
                    "HTTP listening", metadata: ["address": "http://\(channel.localAddress?.ipAddress ?? "?"):\(bound)"]
                )
                port.set(bound)
            },
            eventLoopGroupProvider: .shared(eventLoops),
            logger: logger)
        defer { eventLoops.shutdownGracefully { _ in } }
        // The subscriber's own thread (EventLoopExecutor): it writes live batches there, blocking.
        let subscriberThread = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { subscriberThread.shutdownGracefully { _ in } }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                await withTaskExecutorPreference(EventLoopExecutor(subscriberThread.next())) {
                    await cancelWhenGracefulShutdown { await subscriber.run() }
                }
                logger.info("subscriber stopped")
            }
            group.addTask { try await application.run() }
            group.addTask { [store] in
                // Often, so each pass syncs a short stretch of WAL: a second's worth at a time (tens of
                // megabytes at 5,000 events/s) held up PostgreSQL's syncs on a shared disk.
                await cancelWhenGracefulShutdown {
                    await store.checkpointPeriodically(every: .milliseconds(250)) { error in
                        logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }
}
