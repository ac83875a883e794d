import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program a test started, its output in a log file, killed for good if still running when dropped
/// (a test that failed half-way leaves nothing behind).
///
/// `Process` is not `Sendable`; this one is started in `init` and then only queried and signalled,
/// which Foundation allows from any thread.
public final class ChildProcess: @unchecked Sendable {
    public let name: String
    public let logFile: URL
    private let process: Process

    /// Starts the executable `name` (see `Executables`) with `environment` added to this process's own.
    public init(_ name: String, arguments: [String], environment: [String: String] = [:], logFile: URL) throws {
        self.name = name
        self.logFile = logFile
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = try Executables.url(name)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
    }

    deinit { kill() }

    public var isRunning: Bool { process.isRunning }

    public func signal(_ signal: Int32) {
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, signal) }
    }

    /// Stops it for good if it still runs.
    public func kill() {
        guard process.isRunning else { return }
        signal(SIGKILL)
        process.waitUntilExit()
    }

    /// The exit status, or the signal that ended it.
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        _ = try await eventually("\(name) exits", timeout: timeout) { self.process.isRunning ? nil : true }
        return process.terminationStatus
    }

    public func log() -> String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Waits until a line of the log matches `pattern` (a regular expression) and returns that
    /// match's capture groups, e.g. the port a server was given when asked for port 0. Throws as
    /// soon as the process has exited without logging it, or when `deadline` has passed.
    public func waitForLog(matching pattern: String, deadline: Duration = .seconds(60)) async throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern)
        let end = ContinuousClock.now + deadline
        while true {
            // Read before looking at the process, so a line written just before it exited counts.
            let exited = !isRunning
            let text = log()
            for line in text.split(separator: "\n") {
                let line = String(line)
                let range = NSRange(line.startIndex..., in: line)
                guard let match = expression.firstMatch(in: line, range: range) else { continue }
                return (1..<match.numberOfRanges).map { index in
                    Range(match.range(at: index), in: line).map { String(line[$0]) } ?? ""
                }
            }
            if exited { throw ProcessFailure("\(name) exited before logging /\(pattern)/:\n\(text)") }
            if ContinuousClock.now >= end {
                throw ProcessFailure("\(name) did not log /\(pattern)/ within \(deadline):\n\(text)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// A child process that did not do what a test waited for; its log is in the description.
public struct ProcessFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
