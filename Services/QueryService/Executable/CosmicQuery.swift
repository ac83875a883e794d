import ArgumentParser
import Contracts
import Foundation
import Logging
import Messaging
import QueryService
import ServiceLifecycle

/// `cosmic-query`: the read side. Every setting has a flag and an environment variable; a flag wins
/// over the variable, which wins over the configuration's default (`EnvironmentSettings`).
@main
struct CosmicQuery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosmic-query",
        abstract: "Cosmic's read side: projects events into SQLite and serves dashboards over HTTP.",
        subcommands: [Serve.self, RebuildCommand.self],
        defaultSubcommand: Serve.self)
}

/// Settings shared by `serve` and `rebuild`.
struct Settings: ParsableArguments {
    /// The defaults the help texts name: the configuration's own.
    private static let defaults = QueryConfiguration()
    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    @Option(
        help:
            "ZeroMQ endpoint of the command service's events; with several command instances, each one's, comma-separated (env COSMIC_EVENTS_ENDPOINT, default \(Settings.defaults.eventsEndpoint))."
    )
    var eventsEndpoint: String?

    @Option(
        help:
            "ZeroMQ endpoint of the command service's replay; with several command instances, each one's, comma-separated (env COSMIC_REPLAY_ENDPOINT, default \(Settings.defaults.replayEndpoint))."
    )
    var replayEndpoint: String?

    @Option(
        help: "SQLite file of the projections (env COSMIC_QUERY_DATABASE, default \(Settings.defaults.databasePath)).")
    var database: String?

    @Option(
        help:
            "HTTP address host:port to listen on; port 0 picks a free one (env COSMIC_QUERY_HTTP_ADDRESS or COSMIC_HTTP_ADDRESS, default \(Settings.defaults.httpHost):\(Settings.defaults.httpPort))."
    )
    var httpAddress: String?

    @Option(
        help:
            "Most events applied per SQLite transaction, fetched in replay pages of at most \(WireLimits.maximumReplayLimit) (env COSMIC_QUERY_BATCH_SIZE, default \(Settings.defaults.batchSize), at most \(QueryConfiguration.maximumBatchSize))."
    )
    var batchSize: Int?

    @Option(
        help:
            "Longest wait of a read with min_position, in milliseconds (env COSMIC_QUERY_MAX_WAIT_MS, default \(Settings.milliseconds(Settings.defaults.readYourWritesMaxWait)))."
    )
    var maxWaitMs: Int?

    @Option(
        help:
            "Silence on the events socket before reconnecting, in milliseconds (env COSMIC_QUERY_SILENCE_TIMEOUT_MS, default \(Settings.milliseconds(Settings.defaults.silenceTimeout)))."
    )
    var silenceTimeoutMs: Int?

    @Option(
        help:
            "Timeout of one replay request, in milliseconds (env COSMIC_QUERY_REPLAY_TIMEOUT_MS, default \(Settings.milliseconds(Settings.defaults.replayTimeout)))."
    )
    var replayTimeoutMs: Int?

    @Option(
        help:
            "Lag above which /health answers 503 (env COSMIC_QUERY_HEALTHY_LAG, default \(Settings.defaults.healthyLag))."
    )
    var healthyLag: Int?

    @Option(
        help:
            "Receive high-water mark of the events socket (env COSMIC_QUERY_RECEIVE_HWM, default \(Settings.defaults.receiveHighWaterMark))."
    )
    var receiveHWM: Int?

    @Option(
        help:
            "Lifetime of one /events/stream response before browsers reconnect, in milliseconds (env COSMIC_QUERY_STREAM_LIFETIME_MS, default \(Settings.milliseconds(Settings.defaults.streamLifetime)))."
    )
    var streamLifetimeMs: Int?

    @Option(
        help:
            "Most /events/stream responses open at once; beyond, 503 too_many_streams (env COSMIC_QUERY_MAX_STREAMS, default \(Settings.defaults.maximumStreams))."
    )
    var maxStreams: Int?

    @Option(
        help:
            "Event loops of the HTTP server (env COSMIC_QUERY_HTTP_THREADS, default half the cores, at least one: \(QueryConfiguration.defaultHTTPThreads) here)."
    )
    var httpThreads: Int?

    @Option(
        help: """
            This service's CURVE keypair (a .key file readable by its owner only), for a command service in \
            secure mode; the allow-list must give its public key the reader role (env COSMIC_KEY_FILE).
            """)
    var keyFile: String?

    @Option(help: "The command service's public key, a .pub file (env COSMIC_SERVER_KEY_FILE).")
    var serverKeyFile: String?

    @Option(
        help: "Log level: trace, debug, info, notice, warning, error, critical (env COSMIC_LOG_LEVEL, default info).")
    var logLevel: String?

    func resolved() throws -> (QueryConfiguration, Logger.Level) {
        let environment = EnvironmentSettings()
        var configuration = QueryConfiguration()
        func number(_ flag: Int?, _ name: String, minimum: Int = 1) throws -> Int? {
            let value: Int?
            do { value = try environment.number(flag, name) } catch { throw ValidationError(error.description) }
            guard let value else { return nil }
            guard value >= minimum else { throw ValidationError("\(name) must be at least \(minimum), got \(value)") }
            return value
        }
        func milliseconds(_ flag: Int?, _ name: String, minimum: Int = 1) throws -> Duration? {
            try number(flag, name, minimum: minimum).map { .milliseconds($0) }
        }
        if let address = environment.text(httpAddress, "COSMIC_QUERY_HTTP_ADDRESS", "COSMIC_HTTP_ADDRESS") {
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
                (0...65535).contains(port)
            else { throw ValidationError("the HTTP address must be host:port, got \(address)") }
            var host = String(address[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            configuration.httpHost = host.isEmpty ? configuration.httpHost : host
            configuration.httpPort = port
        }
        let levelName = environment.text(logLevel, "COSMIC_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
            throw ValidationError("unknown log level \(levelName)")
        }
        configuration.eventsEndpoint =
            environment.text(eventsEndpoint, "COSMIC_EVENTS_ENDPOINT") ?? configuration.eventsEndpoint
        configuration.replayEndpoint =
            environment.text(replayEndpoint, "COSMIC_REPLAY_ENDPOINT") ?? configuration.replayEndpoint
        configuration.databasePath = environment.text(database, "COSMIC_QUERY_DATABASE") ?? configuration.databasePath
        if let batch = try number(batchSize, "COSMIC_QUERY_BATCH_SIZE") {
            configuration.batchSize = min(batch, QueryConfiguration.maximumBatchSize)
        }
        configuration.readYourWritesMaxWait =
            try milliseconds(maxWaitMs, "COSMIC_QUERY_MAX_WAIT_MS", minimum: 0) ?? configuration.readYourWritesMaxWait
        configuration.silenceTimeout =
            try milliseconds(silenceTimeoutMs, "COSMIC_QUERY_SILENCE_TIMEOUT_MS") ?? configuration.silenceTimeout
        configuration.replayTimeout =
            try milliseconds(replayTimeoutMs, "COSMIC_QUERY_REPLAY_TIMEOUT_MS") ?? configuration.replayTimeout
        configuration.healthyLag =
            try number(healthyLag, "COSMIC_QUERY_HEALTHY_LAG", minimum: 0) ?? configuration.healthyLag
        configuration.receiveHighWaterMark =
            try number(receiveHWM, "COSMIC_QUERY_RECEIVE_HWM") ?? configuration.receiveHighWaterMark
        configuration.streamLifetime =
            try milliseconds(streamLifetimeMs, "COSMIC_QUERY_STREAM_LIFETIME_MS") ?? configuration.streamLifetime
        configuration.maximumStreams =
            try number(maxStreams, "COSMIC_QUERY_MAX_STREAMS") ?? configuration.maximumStreams
        configuration.httpThreads = try number(httpThreads, "COSMIC_QUERY_HTTP_THREADS") ?? configuration.httpThreads
        do {
            configuration.security = try SocketSecurity.client(
                keyFile: environment.text(keyFile, "COSMIC_KEY_FILE"),
                serverKeyFile: environment.text(serverKeyFile, "COSMIC_SERVER_KEY_FILE"))
        } catch { throw ValidationError(error.description) }
        return (configuration, level)
    }
}

func makeLogger(_ label: String, level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    var logger = Logger(label: label)
    logger.logLevel = level
    return logger
}

/// The default: subscribe, project, serve HTTP until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the read side: subscribe to the events, keep the projections, serve HTTP (the default).")

    @OptionGroup var settings: Settings

    func run() async throws {
        let (configuration, level) = try settings.resolved()
        let logger = makeLogger("cosmic-query", level: level)
        let metrics = QueryMetrics()
        metrics.bootstrapProcessMetrics()
        let service = try QueryService(configuration: configuration, metrics: metrics, logger: logger)
        logger.info(
            "starting",
            metadata: [
                "events": "\(configuration.eventsEndpoint)", "replay": "\(configuration.replayEndpoint)",
                "database": "\(configuration.databasePath)",
                "http": "http://\(configuration.httpHost):\(configuration.httpPort)",
            ])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// `cosmic-query rebuild`: drop the projections and replay the whole log, then exit.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Drop every projection and replay the whole event log into the database, then exit.",
        discussion: "Stop the running query service on the same database first.")

    @OptionGroup var settings: Settings

    func run() async throws {
        let (configuration, level) = try settings.resolved()
        let logger = makeLogger("cosmic-query.rebuild", level: level)
        let checkpoint = try await Rebuild.run(configuration: configuration, logger: logger)
        print("rebuilt \(configuration.databasePath) up to position \(checkpoint)")
    }
}
