import ArgumentParser
import Contracts
import Foundation
import Messaging

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

    @Option(
        help: "Your CURVE keypair, a .key file, for a command service in secure mode (env COSMIC_KEY_FILE).")
    var keyFile: String?

    @Option(help: "The command service's public key, a .pub file (env COSMIC_SERVER_KEY_FILE).")
    var serverKeyFile: String?

    @Option(
        help: """
            A folder of keypairs named after principals, as `scripts/run` makes: --as NAME uses NAME.key, \
            otherwise cli.key, and the service's key is command.pub (env COSMIC_KEY_DIR).
            """)
    var keyDir: String?

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

    /// How this client's sockets connect: CURVE with the principal's keys when keys are configured.
    /// `principal` (the `--as` of a write) picks its key in the key folder.
    func security(as principal: String? = nil) throws(ExitCode) -> SocketSecurity {
        // Flags before environment variables, each file before the folder.
        func inFolder(_ folder: String?, _ name: String) -> String? {
            folder.flatMap { $0.isEmpty ? nil : ($0 as NSString).appendingPathComponent(name) }
        }
        func variable(_ name: String) -> String? { Self.environment.text(nil, name) }
        let ownKey = "\(principal ?? "cli").key"
        let key =
            keyFile ?? inFolder(keyDir, ownKey) ?? variable("COSMIC_KEY_FILE")
            ?? inFolder(variable("COSMIC_KEY_DIR"), ownKey)
        let serverKey =
            serverKeyFile ?? inFolder(keyDir, "command.pub") ?? variable("COSMIC_SERVER_KEY_FILE")
            ?? inFolder(variable("COSMIC_KEY_DIR"), "command.pub")
        do { return try SocketSecurity.client(keyFile: key, serverKeyFile: serverKey) } catch {
            throw fail(.badInput, error.description)
        }
    }

    /// Socket options carrying `security()`.
    func socketOptions(_ options: SocketOptions = SocketOptions()) throws(ExitCode) -> SocketOptions {
        var options = options
        options.security = try security()
        return options
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
