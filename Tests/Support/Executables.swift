import Foundation

/// Finds the project's executables, built by SwiftPM next to the test binary, so end-to-end tests
/// run the real programs as black boxes.
public enum Executables {
    public struct NotFound: Error, CustomStringConvertible {
        public let description: String
    }

    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func url(_ name: String) throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            packageRoot.appendingPathComponent(".build/debug"),
        ].map { $0.appendingPathComponent(name) }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw NotFound(description: "\(name) not found in \(candidates.map(\.path)); run swift build first")
        }
        return found
    }

    /// Runs `name` with `arguments` to completion and returns its exit status and standard output.
    public static func run(_ name: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await run(url(name), arguments)
    }

    /// Runs `executable` to completion and returns its exit status and standard output (with
    /// standard error mixed in when asked, else dropped). The wait is on a thread of its own: a test
    /// blocking one of the cooperative pool's few threads (two on this machine) for a whole run would
    /// stall every other test in the process.
    public static func run(_ executable: URL, _ arguments: [String], withStandardError: Bool = false) async throws
        -> (status: Int32, output: String)
    {
        try await offThePool {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = withStandardError ? pipe : FileHandle.nullDevice
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
        }
    }
}
