import Foundation
import TestSupport
import Testing

/// README.md's walkthroughs, run as written: every `$ cosmic …` line of the sections named in
/// `sections`, in order, on one fresh system in secure mode (keyed as `scripts/run` keys it), through `/bin/sh` with the built `cosmic` first on
/// PATH — and what each printed (standard output and error) compared with the lines the README
/// shows under it. So every figure the README shows, the read side's included, is asserted, and
/// the README cannot drift from the code.
///
/// How the README's text is read:
/// - a line `…` stands for any number of lines, and a line ending in `…` for any line that starts
///   with what comes before it (figures that depend on the clock, such as an approval's cycle time);
/// - `cosmic health` prints the machine's addresses, so its output is not compared;
/// - a line that is not a `cosmic` command (`export PATH=…`) is set-up the harness does itself;
/// - `cosmic kpis` says which day is today and which window "the next 7 days" is: the README shows
///   them as of ``readmeToday``, so the real today is written that way before comparing.
///
/// Before each command the system is left to settle (the policies' commands committed, the read
/// side caught up), as it has by the time a person types the next line; that makes the positions
/// in the replies the README's.
@Suite struct WalkthroughTests {
    static let sections = ["Walkthrough", "Purchase to pay"]
    static let readmeToday = "2026-12-05"

    struct Step: CustomStringConvertible {
        var command: String
        var expected: [String]
        var description: String { "$ " + command }
    }

    @Test func theREADMEsWalkthroughsRunAsWritten() async throws {
        let readme = try String(
            contentsOf: Executables.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let steps = Self.steps(readme, sections: Self.sections)
        #expect(steps.filter { $0.command.hasPrefix("cosmic ") }.count > 30, "\(steps.count) steps found")
        // In secure mode, as scripts/run runs it: the CLI signs with the key of the principal it names.
        try await withSecureSystemAndQuery { command, query, keys in
            let binaries = try Executables.url("cosmic").deletingLastPathComponent().path
            let prelude = [
                "PATH=\(binaries):$PATH", "COSMIC_KEY_DIR=\(keys)",
                "COSMIC_COMMAND_ENDPOINT=\(command.commandEndpoint)",
                "COSMIC_EVENTS_ENDPOINT=\(command.eventsEndpoint)",
                "COSMIC_REPLAY_ENDPOINT=\(command.replayEndpoint)",
                "COSMIC_QUERY_URL=http://127.0.0.1:\(query.httpPort)", "COSMIC_TIMEOUT=10",
            ].map { "export \($0)" }.joined(separator: "; ")
            for step in steps {
                guard step.command.hasPrefix("cosmic ") else {
                    #expect(step.expected.isEmpty, "\(step) prints nothing")
                    continue
                }
                try await Self.settle(command, query)
                let run = try await Executables.run(
                    URL(fileURLWithPath: "/bin/sh"), ["-c", prelude + "; " + step.command], withStandardError: true)
                #expect(run.status == 0, "\(step): \(run.output)")
                guard !step.command.hasPrefix("cosmic health") else { continue }
                var output = run.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if output.last == "" { output.removeLast() }
                if step.command.hasPrefix("cosmic kpis") { output = output.map(Self.asOfReadmeToday) }
                if !Self.matches(output, step.expected) {
                    Issue.record(
                        """
                        \(step)
                        --- README.md shows:
                        \(step.expected.joined(separator: "\n"))
                        --- it printed:
                        \(output.joined(separator: "\n"))
                        """)
                }
            }
        }
    }

    /// Waits until the head has stopped moving: published, every policy has reacted to it, and the
    /// read side has applied it.
    static func settle(_ command: CommandProcess, _ query: QueryProcess) async throws {
        _ = try await eventually("the system settles", timeout: .seconds(30)) { () async throws -> Bool? in
            let head = try await command.publishedHead()
            guard try await command.health()["policy_position"] as? Int ?? 0 >= head,
                try await query.health().checkpoint >= head
            else { return nil }
            return try await command.publishedHead() == head ? true : nil
        }
    }

    /// The commands of the fenced blocks in the named `##` sections, each with the lines under it.
    static func steps(_ readme: String, sections: [String]) -> [Step] {
        var steps: [Step] = []
        var inSection = false
        var inBlock = false
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("## ") {
                inSection = sections.contains(String(line.dropFirst(3)))
                continue
            }
            guard inSection else { continue }
            if line.hasPrefix("```") {
                inBlock.toggle()
                continue
            }
            guard inBlock else { continue }
            if line.hasPrefix("$ ") {
                steps.append(Step(command: String(line.dropFirst(2)), expected: []))
            } else if !steps.isEmpty {
                steps[steps.count - 1].expected.append(line)
            }
        }
        return steps
    }

    /// Whether `actual` is what `expected` shows, by the rules above (trailing spaces aside).
    static func matches(_ actual: [String], _ expected: [String]) -> Bool {
        let actual = actual.map(trimmed)
        let expected = expected.map(trimmed)
        func from(_ a: Int, _ e: Int) -> Bool {
            guard e < expected.count else { return a == actual.count }
            if expected[e] == "…" { return (a...actual.count).contains { from($0, e + 1) } }
            guard a < actual.count else { return false }
            let line = expected[e]
            let same = line.hasSuffix("…") ? actual[a].hasPrefix(String(line.dropLast())) : actual[a] == line
            return same && from(a + 1, e + 1)
        }
        return from(0, 0)
    }

    static func trimmed(_ line: String) -> String {
        String(line.reversed().drop(while: { $0 == " " }).reversed())
    }

    /// `cosmic kpis`' today and its 7-day window, as the README's day would print them.
    static func asOfReadmeToday(_ line: String) -> String {
        let format = Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()
        let today = Date()
        let shown = try! Date(readmeToday + "T00:00:00Z", strategy: .iso8601)
        var line = line
        for offset in [7, 0] {
            let real = (today + Double(offset) * 86_400).formatted(format)
            let readme = (shown + Double(offset) * 86_400).formatted(format)
            if line.hasPrefix("Procurement KPIs") || line.hasPrefix("due ") {
                line = line.replacingOccurrences(of: real, with: readme)
            }
        }
        return line
    }
}
