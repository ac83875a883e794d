import Contracts
import Foundation
import QueryService
import Testing

/// The `cosmic-query` command line: its settings and the `rebuild` subcommand, on the real binary.
@Suite(.enabled(if: QueryExecutable.url != nil))
struct ExecutableTests {
    @Test func rebuildSubcommandReplaysTheWholeLogIntoTheDatabase() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(History.mixed)
                let database = sandbox.path("cli.sqlite")
                // A stale file to start from: rows of another history, which rebuild must drop.
                _ = try await referenceStore(Array(History.mixed[0..<5]).map(RebuildTests.renamed), at: database)
                let run = try QueryExecutable.start(
                    ["rebuild", "--database", database, "--batch-size", "4"], sandbox: sandbox,
                    environment: ["COSMIC_REPLAY_ENDPOINT": upstream.replayEndpoint])
                defer { run.kill(SIGKILL) }
                #expect(await run.waitForExit() == 0)
                let expected = try await referenceStore(History.mixed, at: sandbox.path("expected.sqlite")).dump()
                #expect(try await ProjectionStore(path: database).dump() == expected)
            }
        }
    }

    @Test func badSettingsAreRefusedWithAUsageError() async throws {
        try await withSandbox { sandbox in
            for arguments in [["--http-address", "nowhere"], ["--batch-size", "0"], ["--log-level", "loud"]] {
                let run = try QueryExecutable.start(arguments, sandbox: sandbox)
                defer { run.kill(SIGKILL) }
                #expect(await run.waitForExit() == 64, "\(arguments)")  // EX_USAGE
            }
            let run = try QueryExecutable.start(
                [], sandbox: sandbox, environment: ["COSMIC_QUERY_MAX_WAIT_MS": "soon"])
            defer { run.kill(SIGKILL) }
            #expect(await run.waitForExit() == 64)
        }
    }
}
