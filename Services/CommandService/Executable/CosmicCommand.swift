import ArgumentParser
import CommandService
import Contracts
import Foundation
import Logging
import Messaging

/// `cosmic-command`: the write side. Every setting has a flag and an environment variable; a flag
/// wins over the variable, which wins over the configuration's default (`EnvironmentSettings`).
@main
struct CosmicCommand: AsyncParsableCommand {
    /// The defaults the help texts name: the configuration's own.
    private static let defaults = CommandServiceConfiguration(databaseURL: "")

    static let configuration = CommandConfiguration(
        commandName: "cosmic-command",
        abstract: "Cosmic's write side: takes commands over ZeroMQ, keeps aggregates in PostgreSQL, publishes events.",
        discussion: """
            Applies the schema migrations at start-up, then serves until SIGTERM or SIGINT, on which it \
            stops taking commands (answering shutting_down), finishes those in flight, publishes what is \
            committed and exits 0. The wire protocol is in docs/PROTOCOL.md.
            """)

    @Option(
        help: "PostgreSQL URL, postgres://user[:password]@host[:port]/database (env COSMIC_DATABASE_URL; required).")
    var databaseURL: String?

    @Option(
        help: "ZeroMQ ROUTER endpoint for commands (env COSMIC_COMMAND_ENDPOINT, default \(DefaultEndpoint.commands)).")
    var commandEndpoint: String?

    @Option(
        help: ArgumentHelp(
            "ZeroMQ PUB endpoint for events and heartbeats "
                + "(env COSMIC_EVENTS_ENDPOINT, default \(DefaultEndpoint.events))."))
    var eventsEndpoint: String?

    @Option(help: "ZeroMQ ROUTER endpoint for replay (env COSMIC_REPLAY_ENDPOINT, default \(DefaultEndpoint.replay)).")
    var replayEndpoint: String?

    @Option(
        help: """
            host:port of the HTTP endpoint serving /health and /metrics; port 0 picks one (logged as \
            "HTTP listening"); "off" serves none (env COSMIC_COMMAND_HTTP_ADDRESS, default \(CommandServiceConfiguration.defaultHTTPAddress)).
            """)
    var httpAddress: String?

    @Option(
        help: """
            Seconds a command may take before it is answered unavailable, e.g. while the database is down \
            (env COSMIC_COMMAND_TIMEOUT, default \(CosmicCommand.defaults.commandTimeout.components.seconds)).
            """)
    var commandTimeout: Double?

    @Option(
        help: """
            Commands in flight at once from all clients; beyond, a command is answered unavailable at once \
            (env COSMIC_MAX_IN_FLIGHT, default \(CosmicCommand.defaults.commandLimits.total)).
            """)
    var maxInFlight: Int?

    @Option(
        help: """
            Commands in flight at once from one client (env COSMIC_MAX_IN_FLIGHT_PER_CLIENT, \
            default \(CosmicCommand.defaults.commandLimits.perPeer)).
            """)
    var maxInFlightPerClient: Int?

    @Option(
        help: """
            Attempts at a command whose product other writers keep changing, before answering concurrency_conflict \
            (env COSMIC_MAX_ATTEMPTS, default \(CosmicCommand.defaults.maximumAttempts)).
            """)
    var maxAttempts: Int?

    @Option(
        help:
            "PostgreSQL connections in the pool; the relay uses one more (env COSMIC_POOL_SIZE, default \(CosmicCommand.defaults.poolSize))."
    )
    var poolSize: Int?

    @Option(
        help: """
            Most allocations committed in one transaction; 1 turns group commit off (env COSMIC_GROUP_SIZE, \
            default \(CosmicCommand.defaults.groupSize)).
            """)
    var groupSize: Int?

    @Option(
        help:
            "Groups of allocations written at once (env COSMIC_GROUPS_IN_FLIGHT, default \(CosmicCommand.defaults.groupsInFlight))."
    )
    var groupsInFlight: Int?

    @Option(
        help: """
            Microseconds the next group may wait for the callers of the group just answered to send again, \
            at first; the window stretches to 4x when they come back slowly; 0 starts it at once (env COSMIC_GROUP_GATHER_US, default \(CosmicCommand.defaults.groupGatherWindow.microseconds)).
            """)
    var groupGatherUs: Int?

    @Option(
        help: """
            How far an invoiced unit price may stray from the order's and still match, in basis points of \
            the ordered price (env COSMIC_PRICE_TOLERANCE_BP, default \(CosmicCommand.defaults.priceToleranceBasisPoints): exactly the order's price).
            """)
    var priceToleranceBP: Int?

    @Option(
        help: """
            Whether this instance runs the policy reactor, on or off; several instances may, each reaction \
            still happens once (env COSMIC_POLICIES, default on).
            """)
    var policies: String?

    @Option(
        help: """
            The service's CURVE keypair, a .key file from `cosmic keys generate` readable by its owner only; \
            turns on secure mode, with --allow-list (env COSMIC_KEY_FILE).
            """)
    var keyFile: String?

    @Option(
        help: """
            Secure mode's allow-list: one "principal public-key roles" line per key; SIGHUP re-reads it \
            (env COSMIC_ALLOW_LIST).
            """)
    var allowList: String?

    @Flag(
        help: """
            Without keys, bind addresses other machines can reach anyway: plaintext and unauthenticated, \
            warned about every minute (env COSMIC_INSECURE=1).
            """)
    var insecure = false

    @Option(
        help: "Log level: trace, debug, info, notice, warning, error, critical (env COSMIC_LOG_LEVEL, default info).")
    var logLevel: String?

    @Flag(help: "Print the pgbench script of one allocate command's SQL (the benchmark ceiling) and exit.")
    var printPgbenchScript = false

    @Option(
        help:
            "With --print-pgbench-script: the script of a group of this many allocate commands, as group commit sends it."
    )
    var group: Int?

    func run() async throws {
        if printPgbenchScript {
            if let group {
                guard group >= 1 else { throw ValidationError("--group must be at least 1, got \(group)") }
                print(try PgbenchScript.allocateGroup(size: group), terminator: "")
            } else {
                print(try PgbenchScript.allocate(), terminator: "")
            }
            return
        }
        let settings = EnvironmentSettings()
        func number<T: LosslessStringConvertible>(_ flag: T?, _ variable: String) throws -> T? {
            do { return try settings.number(flag, variable) } catch { throw ValidationError(error.description) }
        }

        guard let databaseURL = settings.text(databaseURL, "COSMIC_DATABASE_URL") else {
            throw ValidationError("Give a database with --database-url or COSMIC_DATABASE_URL.")
        }
        let levelName = settings.text(logLevel, "COSMIC_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
            throw ValidationError("Unknown log level \(levelName).")
        }

        var configuration = CommandServiceConfiguration(databaseURL: databaseURL, handlesSignals: true)
        if let timeout = try number(commandTimeout, "COSMIC_COMMAND_TIMEOUT") {
            guard timeout > 0, timeout.isFinite else { throw ValidationError("The command timeout must be positive.") }
            configuration.commandTimeout = .milliseconds(Int64((timeout * 1000).rounded()))
        }
        if let http = settings.text(httpAddress, "COSMIC_COMMAND_HTTP_ADDRESS") {
            configuration.httpAddress = http.lowercased() == "off" ? nil : http
        }
        configuration.commandEndpoint =
            settings.text(commandEndpoint, "COSMIC_COMMAND_ENDPOINT") ?? configuration.commandEndpoint
        configuration.eventsEndpoint =
            settings.text(eventsEndpoint, "COSMIC_EVENTS_ENDPOINT") ?? configuration.eventsEndpoint
        configuration.replayEndpoint =
            settings.text(replayEndpoint, "COSMIC_REPLAY_ENDPOINT") ?? configuration.replayEndpoint
        configuration.commandLimits.total =
            try number(maxInFlight, "COSMIC_MAX_IN_FLIGHT") ?? configuration.commandLimits.total
        configuration.commandLimits.perPeer =
            try number(maxInFlightPerClient, "COSMIC_MAX_IN_FLIGHT_PER_CLIENT") ?? configuration.commandLimits.perPeer
        guard configuration.commandLimits.total >= 1, configuration.commandLimits.perPeer >= 1 else {
            throw ValidationError("The limits of commands in flight must be at least 1.")
        }
        configuration.maximumAttempts = try number(maxAttempts, "COSMIC_MAX_ATTEMPTS") ?? configuration.maximumAttempts
        configuration.poolSize = try number(poolSize, "COSMIC_POOL_SIZE") ?? configuration.poolSize
        configuration.groupSize = try number(groupSize, "COSMIC_GROUP_SIZE") ?? configuration.groupSize
        configuration.groupsInFlight =
            try number(groupsInFlight, "COSMIC_GROUPS_IN_FLIGHT") ?? configuration.groupsInFlight
        if let microseconds = try number(groupGatherUs, "COSMIC_GROUP_GATHER_US") {
            guard microseconds >= 0 else {
                throw ValidationError("--group-gather-us must be 0 or more, got \(microseconds)")
            }
            configuration.groupGatherWindow = .microseconds(microseconds)
        }
        configuration.priceToleranceBasisPoints =
            try number(priceToleranceBP, "COSMIC_PRICE_TOLERANCE_BP") ?? configuration.priceToleranceBasisPoints
        switch settings.text(policies, "COSMIC_POLICIES")?.lowercased() {
        case nil: break
        case "on": configuration.runsPolicies = true
        case "off": configuration.runsPolicies = false
        case let other?: throw ValidationError("--policies must be on or off, got \(other)")
        }

        configuration.insecure =
            insecure || ["1", "true", "yes"].contains(settings.text(nil, "COSMIC_INSECURE")?.lowercased())
        let keyPath = settings.text(keyFile, "COSMIC_KEY_FILE")
        let allowListPath = settings.text(allowList, "COSMIC_ALLOW_LIST")
        switch (keyPath, allowListPath) {
        case (nil, nil): break
        case (let key?, let list?):
            do {
                configuration.security = CommandServiceSecurity(
                    keys: try CurveKeyFile.readKeyPair(key), accessListPath: list)
            } catch { throw ValidationError(error.description) }
        case (nil, _?): throw ValidationError("--allow-list needs the service's own keys too: give --key-file.")
        case (_?, nil): throw ValidationError("--key-file needs an allow-list of the clients' keys: give --allow-list.")
        }

        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "cosmic.command")
        let app: CommandServiceApp
        do {
            app = try CommandServiceApp(configuration: configuration, logger: logger)
        } catch {
            logger.critical("Cannot start", metadata: ["error": .error(error)])
            throw ExitCode.failure
        }
        do {
            try await app.run()
        } catch {
            logger.critical("Stopped on an error", metadata: ["error": "\(String(reflecting: error))"])
            throw ExitCode.failure
        }
    }
}

extension Duration {
    /// The whole microseconds in this duration.
    fileprivate var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
}
