import ArgumentParser
import Contracts

/// `cosmic`: the command-line client. It speaks only the documented protocol (docs/PROTOCOL.md).
@main
struct Cosmic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosmic",
        abstract: "Send commands to Cosmic, query its read side, run it locally, benchmark it.")

    func run() async throws {
        throw CleanExit.helpRequest(self)
    }
}
