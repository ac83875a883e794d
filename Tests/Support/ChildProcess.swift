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
}
