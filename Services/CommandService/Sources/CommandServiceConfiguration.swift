import Contracts
import Messaging

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
    /// The shortest window in which the next group waits for an answered group's callers to send
    /// again; it stretches to 4× when they come back slowly (`GroupGathering`). Zero starts it at once.
    public var groupGatherWindow: Duration
    public var relay: OutboxRelay.Settings
    /// How far an invoiced unit price may stray from the order's and still match, in basis points.
    public var priceToleranceBasisPoints: Int
    /// Whether this instance runs the policy reactor (several may; each reaction still happens once).
    public var runsPolicies: Bool
    /// Whether SIGTERM and SIGINT start a graceful shutdown and SIGHUP reloads the allow-list (the
    /// executable); tests call `shutdown()` and `Gatekeeper.reload()`.
    public var handlesSignals: Bool
    /// Secure mode: CURVE on every socket, an allow-list of keys with roles. Without it the service
    /// binds loopback addresses only, unless `insecure` says otherwise.
    public var security: CommandServiceSecurity?
    /// Lets a service without CURVE bind addresses other machines can reach (warned about every minute).
    public var insecure: Bool

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
        groupGatherWindow: Duration = .microseconds(1500),
        relay: OutboxRelay.Settings = OutboxRelay.Settings(),
        priceToleranceBasisPoints: Int = 0,
        runsPolicies: Bool = true,
        handlesSignals: Bool = false,
        security: CommandServiceSecurity? = nil,
        insecure: Bool = false
    ) {
        self.security = security
        self.insecure = insecure
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
        self.groupGatherWindow = groupGatherWindow
        self.relay = relay
        self.handlesSignals = handlesSignals
    }

    public static let defaultHTTPAddress = "127.0.0.1:8081"
}

/// What secure mode needs: the service's own keypair (clients know its public half) and the allow-list.
public struct CommandServiceSecurity: Sendable {
    public var keys: CurveKeyPair
    /// The allow-list file (see `AccessList`), re-read on SIGHUP.
    public var accessListPath: String

    public init(keys: CurveKeyPair, accessListPath: String) {
        self.keys = keys
        self.accessListPath = accessListPath
    }
}
