import ArgumentParser
import Foundation

/// How a run ended, as an exit code scripts can branch on (documented in `cosmic --help`).
enum Outcome: Int32 {
    case done = 0
    case rejected = 1
    case badInput = 2
    case unavailable = 3

    var exit: ExitCode { ExitCode(rawValue) }
}

/// Says why, on standard error, and ends the run with the outcome's exit code.
func fail(_ outcome: Outcome, _ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("cosmic: \(message)\n".utf8))
    return outcome.exit
}
