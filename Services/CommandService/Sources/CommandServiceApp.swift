import Domain
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The whole command service, wired: the composition root of the running process.
///
/// `init` binds the three ZeroMQ sockets (so a taken port fails at once, and tests binding
/// `tcp://127.0.0.1:*` can read the chosen endpoints), and `run()` runs everything in one
/// `ServiceGroup`: the PostgreSQL pool, the schema migrations, the outbox relay, the replay socket,
/// the operations HTTP endpoint and the command socket. A graceful shutdown (SIGTERM/SIGINT, or
/// `shutdown()`) stops them in reverse order: the command socket first (new commands get
/// `shutting_down`, those in flight finish), then HTTP and replay, then the relay (after publishing
/// everything committed), and the pool last. The executable and the tests start the same thing.
public final class CommandServiceApp: Sendable {
    /// The endpoints actually bound (with the chosen port when the configuration said `*`).
    public let commandEndpoint: String
    public let eventsEndpoint: String
    public let replayEndpoint: String
    public let state: ServiceState
    public let metrics: ServiceMetrics

    private let context: ZMQContext
    private let sockets: [OwnedSocket]
    private let zap: ZAPHandler?
    private let exposedWithoutCurve: [String]
    /// Secure mode's allow-list and checks (nil in plaintext mode); `reload()` re-reads the list.
    public let gatekeeper: Gatekeeper?
    private let client: DatabasePool
    private let relay: OutboxRelay
    private let reactor: PolicyReactor?
    private let group: ServiceGroup
    private let boundHTTPPort: BoundPort
    private let logger: Logger

    public init(configuration: CommandServiceConfiguration, logger: Logger) throws {
        guard configuration.poolSize >= 1 else { throw ConfigurationError("the pool size must be at least 1") }
        guard configuration.groupSize >= 1 else { throw ConfigurationError("the group size must be at least 1") }
        guard configuration.groupsInFlight >= 1 else {
            throw ConfigurationError("the number of groups in flight must be at least 1")
        }
        guard configuration.maximumAttempts >= 1 else {
            throw ConfigurationError("the maximum number of attempts must be at least 1")
        }
        guard configuration.priceToleranceBasisPoints >= 0 else {
            throw ConfigurationError("the price tolerance must not be negative")
        }
        guard configuration.commandTimeout > .zero else {
            throw ConfigurationError("the command timeout must be positive")
        }
        let http = try configuration.httpAddress.map(OperationsHTTP.parseAddress)

        var database = try DatabaseURL.settings(configuration.databaseURL)
        database.pool.options.maximumConnections = configuration.poolSize
        let client = DatabasePool(database: database, logger: logger)

        let endpoints = [configuration.commandEndpoint, configuration.eventsEndpoint, configuration.replayEndpoint]
        let exposed = endpoints.filter { !EndpointScope.isLoopback($0) }
        if configuration.security == nil && !exposed.isEmpty && !configuration.insecure {
            throw ConfigurationError(
                "without CURVE keys the service binds loopback addresses only, and "
                    + exposed.joined(separator: ", ")
                    + " can be reached from other machines: give the service its keys and an allow-list "
                    + "(--key-file, --allow-list), or pass --insecure to serve anyone who reaches it")
        }

        let context = try ZMQContext()
        let gatekeeper = try configuration.security.map { security in
            try Gatekeeper(accessListPath: security.accessListPath, logger: logger)
        }
        // Before any CURVE socket binds: without a ZAP handler libzmq would let every key in.
        let zap = try gatekeeper.map { gatekeeper in try ZAPHandler(context: context, decide: gatekeeper.decide) }
        func security(_ socket: Gatekeeper.Socket) -> SocketSecurity {
            guard let keys = configuration.security?.keys else { return .none }
            return .curveServer(secretKey: keys.secretKey, domain: socket.rawValue)
        }
        let commands = try OwnedSocket(
            context: context, kind: .router, options: CommandServer.socketOptions(security: security(.commands)),
            bind: [configuration.commandEndpoint])
        var eventOptions = SocketOptions(linger: .milliseconds(500), sendHighWaterMark: 100_000)
        eventOptions.security = security(.events)
        let events = try OwnedSocket(
            context: context, kind: .xpub, options: eventOptions, bind: [configuration.eventsEndpoint])
        let replay = try OwnedSocket(
            context: context, kind: .router, options: ReplayServer.socketOptions(security: security(.replay)),
            bind: [configuration.replayEndpoint])

        let state = ServiceState()
        let metrics = ServiceMetrics()
        let log = PostgresEventLog(client: client, logger: logger)
        let sequencer = Sequencer(log: log, logger: logger)
        let bus = Bootstrap.messageBus(
            unitOfWork: PostgresUnitOfWorkFactory(
                client: client, logger: logger, sequencer: sequencer,
                productCache: ProductCache(onLookup: metrics.productCacheLookedUp)),
            maximumAttempts: configuration.maximumAttempts,
            match: ThreeWayMatch(priceToleranceBasisPoints: configuration.priceToleranceBasisPoints), logger: logger)
        let reactor =
            configuration.runsPolicies
            ? PolicyReactor(
                log: PostgresPolicyLog(client: client, logger: logger), bus: bus,
                heads: { await sequencer.heads(whenAny: Set(Policies.triggers)) }, logger: logger,
                onLag: metrics.policyReacted)
            : nil
        let relay = OutboxRelay(
            database: database, sequencer: sequencer, socket: events, settings: configuration.relay,
            metrics: metrics, logger: logger)
        let boundHTTPPort = BoundPort()

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: client, serviceName: "postgres"),
            .init(
                service: Migrator(client: client, state: state, logger: logger), successTerminationBehavior: .ignore,
                serviceName: "migrations"),
            .init(service: WhenServing(state: state, service: relay), serviceName: "relay"),
            .init(
                service: ReplayServer(
                    socket: replay, log: log, state: state, timeout: configuration.commandTimeout,
                    limits: configuration.replayLimits, gatekeeper: gatekeeper, logger: logger),
                serviceName: "replay"),
        ]
        if let gatekeeper, configuration.handlesSignals {
            services.append(.init(service: AllowListReloader(gatekeeper: gatekeeper), serviceName: "allow-list"))
        }
        if configuration.security == nil && !exposed.isEmpty {
            services.append(
                .init(service: InsecureWarning(endpoints: exposed, logger: logger), serviceName: "insecure"))
        }
        if let reactor {
            services.append(.init(service: WhenServing(state: state, service: reactor), serviceName: "policies"))
        }
        if let http {
            services.append(
                .init(
                    service: OperationsHTTP.application(
                        host: http.host, port: http.port,
                        health: { [state, relay, reactor, client, logger] in
                            await CommandServiceApp.health(
                                state: state, relay: relay, reactor: reactor, client: client, logger: logger)
                        }, metrics: metrics, onBound: { port in boundHTTPPort.port.withLock { $0 = port } },
                        logger: logger),
                    serviceName: "http"))
        }
        services.append(
            .init(
                service: CommandServer(
                    socket: commands,
                    committer: GroupCommitter(
                        bus: bus, maximumGroupSize: configuration.groupSize,
                        maximumGroupsInFlight: configuration.groupsInFlight,
                        gatherWindow: configuration.groupGatherWindow, onGroup: metrics.groupHandled),
                    positions: sequencer, state: state,
                    timeout: configuration.commandTimeout, limits: configuration.commandLimits,
                    gatekeeper: gatekeeper, metrics: metrics, logger: logger),
                serviceName: "commands"))

        self.commandEndpoint = commands.boundEndpoints.first ?? configuration.commandEndpoint
        self.eventsEndpoint = events.boundEndpoints.first ?? configuration.eventsEndpoint
        self.replayEndpoint = replay.boundEndpoints.first ?? configuration.replayEndpoint
        self.state = state
        self.metrics = metrics
        self.context = context
        self.sockets = [commands, events, replay]
        self.zap = zap
        self.gatekeeper = gatekeeper
        self.exposedWithoutCurve = configuration.security == nil ? exposed : []
        self.client = client
        self.relay = relay
        self.reactor = reactor
        self.boundHTTPPort = boundHTTPPort
        self.logger = logger
        var group = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: configuration.handlesSignals ? [.sigterm, .sigint] : [],
            logger: logger)
        // Each stage bounds its own wait (the drain, the relay's flush); this is the backstop, after
        // which whatever still runs is cancelled rather than left to hang the process.
        group.maximumGracefulShutdownDuration = configuration.commandTimeout * 2 + .seconds(20)
        self.group = ServiceGroup(configuration: group)
    }

    /// The operations HTTP port once the server listens (nil before, or without HTTP).
    public var httpPort: Int? { boundHTTPPort.port.withLock { $0 } }

    /// Whether this instance's relay is the one publishing.
    public var isRelayLeader: Bool { relay.isLeader }

    /// Runs until a graceful shutdown completes (or a service fails, which stops the others), then
    /// closes the sockets.
    public func run() async throws {
        logger.info(
            "Command service starting",
            metadata: ["commands": "\(commandEndpoint)", "events": "\(eventsEndpoint)", "replay": "\(replayEndpoint)"])
        if let gatekeeper {
            logger.info(
                "Secure mode: CURVE on every socket; keys and roles from the allow-list (SIGHUP reloads it)",
                metadata: ["allow_list": "\(gatekeeper.accessListPath)", "keys": "\(gatekeeper.keyCount)"])
        } else if exposedWithoutCurve.isEmpty {
            logger.notice("No CURVE keys configured: plaintext sockets, bound to loopback addresses only")
        }
        defer {
            state.markShuttingDown()
            for socket in sockets { socket.close() }
            zap?.close()
            context.terminate()
        }
        try await group.run()
        logger.info("Command service stopped")
    }

    /// Starts a graceful shutdown and returns at once; `run()` returns when it is complete.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
    }

    /// What `/health` says: the state, whether the database answers (within a second), and where
    /// the outbox stands.
    public func health() async -> HealthReport {
        await Self.health(state: state, relay: relay, reactor: reactor, client: client, logger: logger)
    }

    static func health(
        state: ServiceState, relay: OutboxRelay, reactor: PolicyReactor?, client: DatabasePool, logger: Logger
    ) async -> HealthReport {
        let status = try? await Deadline.run(within: .seconds(1)) {
            try await OutboxRelay.status(client: client, logger: logger)
        }
        return HealthReport(
            state: state.phase.rawValue, databaseReachable: status != nil, relayLeader: relay.isLeader,
            head: status?.head, published: status?.published, unpublished: status?.unpublished,
            policyPosition: reactor?.status.position, policyLagSeconds: reactor?.status.lastLag)
    }
}

/// Where the HTTP server listens, known once it runs.
private final class BoundPort: Sendable {
    let port = Mutex<Int?>(nil)
}

/// Applies the schema migrations at start-up, retrying while the database cannot be reached, then
/// lets the service serve. A migration that fails for another reason stops the service.
struct Migrator: Service {
    let client: DatabasePool
    let state: ServiceState
    let logger: Logger

    private static func isUnavailable(_ error: any Error) -> Bool {
        if case UnitOfWorkError.unavailable = error { true } else { false }
    }

    func run() async throws {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { [client, logger] in
                    try await Migrations.apply(on: client, logger: logger)
                }
                state.markServing()
                logger.info("Schema migrated; serving")
                return
            } catch  where Task.isCancelled || Task.isShuttingDownGracefully {
                return
            } catch  where Self.isUnavailable(PostgresErrors.classify(error)) {
                logger.warning(
                    "Database unreachable at start-up; retrying", metadata: ["error": "\(String(reflecting: error))"])
                let wait = delay
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
