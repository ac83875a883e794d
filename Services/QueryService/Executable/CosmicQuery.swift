import ArgumentParser
import Foundation
import QueryService

/// `cosmic-query`: the read side. Every setting has a flag and an environment variable.
@main
struct CosmicQuery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosmic-query",
        abstract: "Cosmic's read side: projects events into SQLite and serves dashboards over HTTP.")

    @Option(
        help:
            "ZeroMQ endpoint of the command service's events (env COSMIC_EVENTS_ENDPOINT, default tcp://127.0.0.1:5556)."
    )
    var eventsEndpoint: String?

    @Option(
        help:
            "ZeroMQ endpoint of the command service's replay (env COSMIC_REPLAY_ENDPOINT, default tcp://127.0.0.1:5557)."
    )
    var replayEndpoint: String?

    @Option(help: "SQLite file of the projections (env COSMIC_QUERY_DATABASE, default cosmic-query.sqlite).")
    var database: String?

    @Option(help: "HTTP address to listen on (env COSMIC_HTTP_ADDRESS, default 127.0.0.1:8080).")
    var httpAddress: String?

    func run() async throws {
        throw ValidationError("The query service is not built yet (see issue 4).")
    }
}
