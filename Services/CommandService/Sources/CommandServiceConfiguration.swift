import Contracts

/// Everything a running command service is told from outside; `cosmic-command` fills it from flags
/// and environment variables, tests fill it directly (with `tcp://127.0.0.1:*` endpoints and port 0).
public struct CommandServiceConfiguration: Sendable {
    /// `postgres://user[:password]@host[:port]/database`.
    public var databaseURL: String
    /// ZeroMQ ROUTER endpoint taking commands.
    public var commandEndpoint: String
    /// ZeroMQ PUB endpoint publishing events and heartbeats.
    public var eventsEndpoint: String
    /// ZeroMQ ROUTER endpoint answering replay requests.
    public var replayEndpoint: String
    /// `host:port` of the operations HTTP endpoint (`/health`, `/metrics`); port 0 picks a free one;
    /// nil serves no HTTP.
    public var httpAddress: String?
    /// The longest a command (or replay request) may take before it is answered `unavailable`.
    public var commandTimeout: Duration
    /// The most commands in flight, in all and per client (beyond: `unavailable` at once).
    public var commandLimits: RequestLimits
    /// The most replay requests in flight, in all and per reader.
    public var replayLimits: RequestLimits
    /// How many times a command is run when other writers keep changing its aggregate.
    public var maximumAttempts: Int
    /// PostgreSQL connections in the pool (the relay's dedicated connection is extra).
    public var poolSize: Int
    /// The most allocations committed in one transaction (group commit); 1 commits each alone.
    public var groupSize: Int
    /// Groups being written at once, each on its own pooled connection.
    public var groupsInFlight: Int
    public var relay: OutboxRelay.Settings
    /// How far an invoiced unit price may stray from the order's and still match, in basis points.
    public var priceToleranceBasisPoints: Int
    /// Whether this instance runs the policy reactor (several may; each reaction still happens once).
    public var runsPolicies: Bool
    /// Whether SIGTERM and SIGINT start a graceful shutdown (the executable); tests call `shutdown()`.
    public var handlesSignals: Bool

    public init(
        databaseURL: String,
        commandEndpoint: String = DefaultEndpoint.commands,
        eventsEndpoint: String = DefaultEndpoint.events,
        replayEndpoint: String = DefaultEndpoint.replay,
        httpAddress: String? = CommandServiceConfiguration.defaultHTTPAddress,
        commandTimeout: Duration = .seconds(5),
        commandLimits: RequestLimits = RequestLimits(),
        replayLimits: RequestLimits = ReplayServer.defaultLimits,
        maximumAttempts: Int = 5,
        poolSize: Int = 20,
        groupSize: Int = 64,
        groupsInFlight: Int = 1,
        relay: OutboxRelay.Settings = OutboxRelay.Settings(),
        priceToleranceBasisPoints: Int = 0,
        runsPolicies: Bool = true,
        handlesSignals: Bool = false
    ) {
        self.priceToleranceBasisPoints = priceToleranceBasisPoints
        self.runsPolicies = runsPolicies
        self.databaseURL = databaseURL
        self.commandEndpoint = commandEndpoint
        self.eventsEndpoint = eventsEndpoint
        self.replayEndpoint = replayEndpoint
        self.httpAddress = httpAddress
        self.commandTimeout = commandTimeout
        self.commandLimits = commandLimits
        self.replayLimits = replayLimits
        self.maximumAttempts = maximumAttempts
        self.poolSize = poolSize
        self.groupSize = groupSize
        self.groupsInFlight = groupsInFlight
        self.relay = relay
        self.handlesSignals = handlesSignals
    }

    public static let defaultHTTPAddress = "127.0.0.1:8081"
}
