import ArgumentParser
import CommandService
import Foundation

/// `cosmic-command`: the write side. Every setting has a flag and an environment variable.
@main
struct CosmicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosmic-command",
        abstract: "Cosmic's write side: takes commands over ZeroMQ, keeps aggregates in PostgreSQL, publishes events.")

    @Option(help: "PostgreSQL URL, postgres://user[:password]@host:port/database (env COSMIC_DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "ZeroMQ ROUTER endpoint for commands (env COSMIC_COMMAND_ENDPOINT, default tcp://127.0.0.1:5555).")
    var commandEndpoint: String?

    @Option(help: "ZeroMQ PUB endpoint for events (env COSMIC_EVENTS_ENDPOINT, default tcp://127.0.0.1:5556).")
    var eventsEndpoint: String?

    @Option(help: "ZeroMQ ROUTER endpoint for replay (env COSMIC_REPLAY_ENDPOINT, default tcp://127.0.0.1:5557).")
    var replayEndpoint: String?

    @Option(
        help: "Log level: trace, debug, info, notice, warning, error, critical (env COSMIC_LOG_LEVEL, default info).")
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard databaseURL ?? environment["COSMIC_DATABASE_URL"] != nil else {
            throw ValidationError("Give a database with --database-url or COSMIC_DATABASE_URL.")
        }
        throw ValidationError("The command service's server is not built yet (see issue 3).")
    }
}
