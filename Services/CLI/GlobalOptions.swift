import ArgumentParser
import Contracts
import Foundation

/// Where the services are and how long to wait for them; every option has an environment variable.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Command socket (env COSMIC_COMMAND_ENDPOINT, default \(DefaultEndpoint.commands)).")
    var commandEndpoint: String?

    @Option(help: "Events socket (env COSMIC_EVENTS_ENDPOINT, default \(DefaultEndpoint.events)).")
    var eventsEndpoint: String?

    @Option(help: "Replay socket (env COSMIC_REPLAY_ENDPOINT, default \(DefaultEndpoint.replay)).")
    var replayEndpoint: String?

    @Option(help: "Query service base URL (env COSMIC_QUERY_URL, default http://127.0.0.1:8080).")
    var queryURL: String?

    @Option(help: "Seconds to wait for an answer before giving up (env COSMIC_TIMEOUT, default 5).")
    var timeout: Double?

    @Flag(help: "Print the service's JSON instead of text, for scripts.")
    var json = false

    private static let environment = ProcessInfo.processInfo.environment

    var commands: String { commandEndpoint ?? Self.environment["COSMIC_COMMAND_ENDPOINT"] ?? DefaultEndpoint.commands }
    var events: String { eventsEndpoint ?? Self.environment["COSMIC_EVENTS_ENDPOINT"] ?? DefaultEndpoint.events }
    var replay: String { replayEndpoint ?? Self.environment["COSMIC_REPLAY_ENDPOINT"] ?? DefaultEndpoint.replay }
    var query: String { queryURL ?? Self.environment["COSMIC_QUERY_URL"] ?? "http://127.0.0.1:8080" }
    var wait: Duration {
        .milliseconds(Int((timeout ?? Self.environment["COSMIC_TIMEOUT"].flatMap(Double.init) ?? 5) * 1000))
    }

    func validate() throws {
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
    }
}
