import ArgumentParser
import Foundation
import Logging
import QueryService
import ServiceLifecycle

/// `cosmic-query`: the read side. Every setting has a flag and an environment variable; a flag wins.
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
    @Option(
        help:
            "ZeroMQ endpoint of the command service's events; with several command instances, each one's, comma-separated (env COSMIC_EVENTS_ENDPOINT, default tcp://127.0.0.1:5556)."
    )
    var eventsEndpoint: String?

    @Option(
        help:
            "ZeroMQ endpoint of the command service's replay; with several command instances, each one's, comma-separated (env COSMIC_REPLAY_ENDPOINT, default tcp://127.0.0.1:5557)."
    )
    var replayEndpoint: String?

    @Option(help: "SQLite file of the projections (env COSMIC_QUERY_DATABASE, default cosmic-query.sqlite).")
    var database: String?

    @Option(
        help:
            "HTTP address host:port to listen on; port 0 picks a free one (env COSMIC_QUERY_HTTP_ADDRESS or COSMIC_HTTP_ADDRESS, default 127.0.0.1:8080)."
    )
    var httpAddress: String?

    @Option(
        help:
            "Most events applied per SQLite transaction, fetched in replay pages of at most 10000 (env COSMIC_QUERY_BATCH_SIZE, default 20000, at most 100000)."
    )
    var batchSize: Int?

    @Option(
        help: "Longest wait of a read with min_position, in milliseconds (env COSMIC_QUERY_MAX_WAIT_MS, default 2000).")
    var maxWaitMs: Int?

    @Option(
        help:
            "Silence on the events socket before reconnecting, in milliseconds (env COSMIC_QUERY_SILENCE_TIMEOUT_MS, default 5000)."
    )
    var silenceTimeoutMs: Int?

    @Option(help: "Timeout of one replay request, in milliseconds (env COSMIC_QUERY_REPLAY_TIMEOUT_MS, default 3000).")
    var replayTimeoutMs: Int?

    @Option(help: "Lag above which /health answers 503 (env COSMIC_QUERY_HEALTHY_LAG, default 1000).")
    var healthyLag: Int?

    @Option(help: "Receive high-water mark of the events socket (env COSMIC_QUERY_RECEIVE_HWM, default 1000).")
    var receiveHWM: Int?

    @Option(
        help:
            "Lifetime of one /events/stream response before browsers reconnect, in milliseconds (env COSMIC_QUERY_STREAM_LIFETIME_MS, default 60000)."
    )
    var streamLifetimeMs: Int?

    @Option(
        help: "Log level: trace, debug, info, notice, warning, error, critical (env COSMIC_LOG_LEVEL, default info).")
    var logLevel: String?

    func resolved() throws -> (QueryConfiguration, Logger.Level) {
        let environment = ProcessInfo.processInfo.environment
        func text(_ flag: String?, _ names: String...) -> String? {
            flag ?? names.lazy.compactMap { environment[$0] }.first
        }
        func number(_ flag: Int?, _ name: String, default value: Int, minimum: Int = 1) throws -> Int {
            if let flag { return try check(flag, name, minimum) }
            guard let raw = environment[name] else { return value }
            guard let parsed = Int(raw) else { throw ValidationError("\(name) must be a whole number, got \(raw)") }
            return try check(parsed, name, minimum)
        }
        func check(_ value: Int, _ name: String, _ minimum: Int) throws -> Int {
            guard value >= minimum else { throw ValidationError("\(name) must be at least \(minimum), got \(value)") }
            return value
        }
        let address = text(httpAddress, "COSMIC_QUERY_HTTP_ADDRESS", "COSMIC_HTTP_ADDRESS") ?? "127.0.0.1:8080"
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw ValidationError("the HTTP address must be host:port, got \(address)") }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let levelName = text(logLevel, "COSMIC_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
            throw ValidationError("unknown log level \(levelName)")
        }
        let configuration = QueryConfiguration(
            eventsEndpoint: text(eventsEndpoint, "COSMIC_EVENTS_ENDPOINT") ?? "tcp://127.0.0.1:5556",
            replayEndpoint: text(replayEndpoint, "COSMIC_REPLAY_ENDPOINT") ?? "tcp://127.0.0.1:5557",
            databasePath: text(database, "COSMIC_QUERY_DATABASE") ?? "cosmic-query.sqlite",
            httpHost: host.isEmpty ? "127.0.0.1" : host, httpPort: port,
            batchSize: try number(batchSize, "COSMIC_QUERY_BATCH_SIZE", default: 20_000),
            readYourWritesMaxWait: .milliseconds(
                try number(maxWaitMs, "COSMIC_QUERY_MAX_WAIT_MS", default: 2000, minimum: 0)),
            silenceTimeout: .milliseconds(
                try number(silenceTimeoutMs, "COSMIC_QUERY_SILENCE_TIMEOUT_MS", default: 5000)),
            replayTimeout: .milliseconds(try number(replayTimeoutMs, "COSMIC_QUERY_REPLAY_TIMEOUT_MS", default: 3000)),
            healthyLag: try number(healthyLag, "COSMIC_QUERY_HEALTHY_LAG", default: 1000, minimum: 0),
            receiveHighWaterMark: try number(receiveHWM, "COSMIC_QUERY_RECEIVE_HWM", default: 1000),
            streamLifetime: .milliseconds(
                try number(streamLifetimeMs, "COSMIC_QUERY_STREAM_LIFETIME_MS", default: 60000)))
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
