import Foundation
import TestSupport
import Testing

/// CI's one-minute pass of the chaos suite (scripts/chaos runs it for any length): steady load
/// retried by command id on two command instances while command instances, the query service and
/// PostgreSQL are killed and restarted; every acknowledged command exactly once, positions gap-free,
/// the query service equal to a rebuild. The script starts (and stops) a PostgreSQL cluster and the
/// services of its own, from this build's executables.
@Suite struct ChaosSuiteTests {
    @Test func aMinuteOfFaultsLosesAndDoublesNothing() async throws {
        let script = Executables.packageRoot.appendingPathComponent("scripts/chaos")
        let cosmic = try Executables.url("cosmic")
        let run = try await Executables.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["COSMIC_BIN_DIR=\(cosmic.deletingLastPathComponent().path)", "bash", script.path, "--minutes", "1"],
            withStandardError: true)
        #expect(run.status == 0, "\(run.output.suffix(4000))")
        let summary = try #require(run.output.split(separator: "\n").last { $0.hasPrefix("chaos: ") })
        #expect(summary.hasPrefix("chaos: passed"), "\(summary)")
        let faults = run.output.split(separator: "\n").filter { $0.hasPrefix("fault ") }
        #expect(faults.count >= 10, "\(faults.count) faults in a minute")
    }
}
