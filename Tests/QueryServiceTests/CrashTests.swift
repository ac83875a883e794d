import Contracts
import Foundation
import GRDB
import QueryService
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `cosmic-query` executable, killed with SIGKILL while it applies batches: whatever
/// instant the kill lands on, the database holds exactly a prefix of the log (a batch is never
/// half applied), and a restart converges with nothing applied twice.
@Suite(.enabled(if: QueryExecutable.url != nil))
struct CrashTests {
    @Test func killedMidCatchUpItKeepsAPrefixAndConvergesOnRestart() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                let payloads = History.allocations(count: 8000, sku: "CRASH", batch: "crash-batch")
                upstream.append(payloads, publish: false)
                let database = sandbox.path("crash.sqlite")
                let arguments = [
                    "--events-endpoint", upstream.eventsEndpoint, "--replay-endpoint", upstream.replayEndpoint,
                    "--database", database, "--http-address", "127.0.0.1:0", "--batch-size", "200",
                ]

                // First run: SIGKILL as soon as some batches are in, while catch-up is still going.
                // Replay stops answering beyond half the log, so however fast the reader is (or slow
                // the test), the kill lands before the end: while it applies, or while it waits there.
                upstream.holdReplay(after: payloads.count / 2)
                let first = try QueryExecutable.start(arguments, sandbox: sandbox)
                defer { first.kill(SIGKILL) }  // on a failure below; a no-op once it has exited
                let checkpointAtKill = try await eventually("some batches applied", timeout: .seconds(60)) {
                    () async throws -> Int? in
                    let checkpoint = try Self.checkpoint(database)
                    return checkpoint >= 600 ? checkpoint : nil
                }
                first.kill(SIGKILL)
                #expect(await first.waitForExit() == SIGKILL)
                let afterKill = try Self.checkpoint(database)
                #expect(afterKill >= checkpointAtKill)
                #expect(afterKill < payloads.count, "the kill came too late to land mid catch-up")
                // Exactly the first `afterKill` events, nothing of a later batch.
                let prefix = try await referenceStore(
                    Array(payloads[0..<afterKill]), at: sandbox.path("prefix.sqlite")
                ).dump()
                #expect(try await ProjectionStore(path: database).dump() == prefix)
                upstream.holdReplay(after: nil)

                // Second run: resumes from the checkpoint, converges, then stops gracefully on SIGTERM.
                let second = try QueryExecutable.start(arguments, sandbox: sandbox)
                defer { second.kill(SIGKILL) }
                _ = try await eventually("converged", timeout: .seconds(60)) {
                    try Self.checkpoint(database) == payloads.count ? true : nil
                }
                second.kill(SIGTERM)
                #expect(await second.waitForExit() == 0)
                let all = try await referenceStore(payloads, at: sandbox.path("all.sqlite")).dump()
                #expect(try await ProjectionStore(path: database).dump() == all)
            }
        }
    }

    /// The checkpoint as another process sees it (0 before the database exists).
    static func checkpoint(_ path: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            guard try db.tableExists("checkpoint") else { return 0 }
            return try Int.fetchOne(db, sql: "SELECT position FROM checkpoint") ?? 0
        }
    }
}

/// The built `cosmic-query` binary next to the test bundle, run as a child process.
enum QueryExecutable {
    static let url: URL? = {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let binary = folder.appendingPathComponent("cosmic-query")
        return FileManager.default.isExecutableFile(atPath: binary.path) ? binary : nil
    }()

    final class Running: Sendable {
        let process: Process

        init(_ process: Process) { self.process = process }

        func kill(_ signal: Int32) {
            if process.isRunning { _ = Glibc.kill(process.processIdentifier, signal) }
        }

        /// The exit status, or the number of the signal that ended it.
        func waitForExit() async -> Int32 {
            let process = self.process
            return await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    process.waitUntilExit()
                    continuation.resume(returning: process.terminationStatus)
                }
            }
        }
    }

    static func start(_ arguments: [String], sandbox: Sandbox, environment extra: [String: String] = [:]) throws
        -> Running
    {
        let process = Process()
        guard let url else { throw CocoaError(.fileNoSuchFile) }
        process.executableURL = url
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["COSMIC_LOG_LEVEL"] = "error"
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return Running(process)
    }
}
