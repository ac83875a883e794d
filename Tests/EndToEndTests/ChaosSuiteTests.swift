import Foundation
import TestSupport
import Testing

/// CI's half-minute pass of the chaos suite (scripts/chaos runs it for any length): steady load
/// retried by command id on two command instances while command instances, the query service and
/// PostgreSQL are killed and restarted; every acknowledged command exactly once, positions gap-free,
/// the query service equal to a rebuild. The script starts (and stops) a PostgreSQL cluster and the
/// services of its own, from this build's executables.
@Suite struct ChaosSuiteTests {
    /// Half a minute holds each of the five kinds of fault at least once (one every 2–4 s, in turn),
    /// and the script goes on past it until each kind has come, however slow the machine; the suite's
    /// other tests take about as long, so a longer pass here would lengthen CI alone.
    @Test func halfAMinuteOfFaultsLosesAndDoublesNothing() async throws {
        let script = Executables.packageRoot.appendingPathComponent("scripts/chaos")
        let cosmic = try Executables.url("cosmic")
        let run = try await Executables.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["COSMIC_BIN_DIR=\(cosmic.deletingLastPathComponent().path)", "bash", script.path, "--seconds", "30"],
            withStandardError: true)
        #expect(run.status == 0, "\(run.output.suffix(4000))")
        let summary = try #require(run.output.split(separator: "\n").last { $0.hasPrefix("chaos: ") })
        #expect(summary.hasPrefix("chaos: passed"), "\(summary)")
        let faults = run.output.split(separator: "\n").filter { $0.hasPrefix("fault ") }
        #expect(faults.count >= 5, "\(faults.count) faults in half a minute")
        // `fault  3: SIGTERM command a          recovered in  0.41s`
        let kinds = Set(
            faults.compactMap { line -> String? in
                guard let colon = line.firstIndex(of: ":"), let end = line.range(of: " recovered") else { return nil }
                return line[line.index(after: colon)..<end.lowerBound].trimmingCharacters(in: .whitespaces)
            })
        #expect(kinds.count >= 5, "every kind of fault at least once: \(kinds.sorted())")
    }
}
