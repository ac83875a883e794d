import Foundation
import TestSupport
import Testing

/// CI's pass of the fuzz suite (scripts/fuzz runs it at any length): 10,000 seeded malformed inputs
/// to the real command and replay sockets and the query API of real processes, every answer
/// checked by `cosmic fuzz` (the documented code, never a 5xx, nothing written), and both services
/// still answering afterwards.
@Suite struct FuzzSuiteTests {
    @Test func tenThousandMalformedInputsGetTheirDocumentedAnswersAndChangeNothing() async throws {
        try await withSystem { command, directory in
            let query = try await QueryProcess.launch(command: command, directory: directory)
            defer { query.kill() }
            let global = [
                "--command-endpoint", command.commandEndpoint, "--events-endpoint", command.eventsEndpoint,
                "--replay-endpoint", command.replayEndpoint, "--query-url", "http://127.0.0.1:\(query.httpPort)",
                "--timeout", "30",
            ]
            _ = try await eventually("both services serve") {
                try await Executables.run("cosmic", ["health", "all"] + global).status == 0 ? true : nil
            }
            let run = try await Executables.run("cosmic", ["fuzz", "--frames", "10000", "--seed", "1"] + global)
            #expect(run.status == 0, "\(run.output.suffix(3000))")
            let summaryLine = try #require(run.output.split(separator: "\n").last { $0.hasPrefix("{") })
            let summary = try #require(
                try JSONSerialization.jsonObject(with: Data(summaryLine.utf8)) as? [String: Any])
            #expect(summary["violations"] as? Int == 0)
            #expect(summary["inputs"] as? Int == 10_000)
            let checked = ["command_frames", "replay_frames", "http_requests"].compactMap { summary[$0] as? Int }
            #expect(checked.count == 3 && checked.allSatisfy { $0 > 3000 }, "\(summary)")
            #expect(try await Executables.run("cosmic", ["health", "all"] + global).status == 0)
        }
    }
}
