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

    @Option(help: "Query service base URL (env COSMIC_QUERY_URL, default \(GlobalOptions.defaultQueryURL)).")
    var queryURL: String?

    @Option(
        help:
            "Seconds to wait for an answer before giving up (env COSMIC_TIMEOUT, default \(Int(GlobalOptions.defaultTimeout)))."
    )
    var timeout: Double?

    @Flag(help: "Print the service's JSON instead of text, for scripts.")
    var json = false

    private static let environment = EnvironmentSettings()

    var commands: String {
        Self.environment.text(commandEndpoint, "COSMIC_COMMAND_ENDPOINT") ?? DefaultEndpoint.commands
    }
    var events: String { Self.environment.text(eventsEndpoint, "COSMIC_EVENTS_ENDPOINT") ?? DefaultEndpoint.events }
    var replay: String { Self.environment.text(replayEndpoint, "COSMIC_REPLAY_ENDPOINT") ?? DefaultEndpoint.replay }
    var query: String { Self.environment.text(queryURL, "COSMIC_QUERY_URL") ?? Self.defaultQueryURL }
    var wait: Duration {
        .milliseconds(Int(((try? Self.environment.number(timeout, "COSMIC_TIMEOUT")) ?? Self.defaultTimeout) * 1000))
    }

    static let defaultQueryURL = "http://127.0.0.1:8080"
    static let defaultTimeout = 5.0

    func validate() throws {
        let seconds: Double?
        do { seconds = try Self.environment.number(timeout, "COSMIC_TIMEOUT") } catch {
            throw ValidationError(error.description)
        }
        if let seconds, !(seconds > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
    }
}
