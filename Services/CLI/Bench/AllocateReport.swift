import Foundation

/// What `bench allocate` prints: human-readable lines, then one line of JSON for scripts
/// (BENCHMARKS.md tables are built from it). Built from tallies only, so it is tested without a
/// service.
struct AllocateReport {
    var runID: String
    var hot: Bool
    var clients: Int
    var skus: Int
    var prior: Int
    var rate: Double?
    var tally: AllocationTally
    /// Seconds from the start of measuring to the last measured reply.
    var seconds: Double
    /// Nil without `--freshness`.
    var freshness: FreshnessProbe.Tally?

    var throughput: Double { seconds > 0 ? Double(tally.commands) / seconds : 0 }

    var json: ReportJSON {
        .object([
            ("bench", .string("allocate")),
            ("run_id", .string(runID)),
            ("mode", .string(hot ? "hot" : "spread")),
            ("clients", .int(clients)),
            ("skus", .int(skus)),
            ("prior", .int(prior)),
            ("rate", rate.map { .decimal($0, places: 1) } ?? .null),
            ("warmup_commands", .int(tally.warmupCommands)),
            ("commands", .int(tally.commands)),
            ("seconds", .decimal(seconds, places: 3)),
            ("throughput", .decimal(throughput, places: 1)),
            ("latency_ms", .latency(tally.latencies.summary)),
            ("outcomes", .counts(tally.outcomes)),
            ("errors", .counts(tally.errors)),
            ("freshness_ms", freshnessJSON),
        ])
    }

    private var freshnessJSON: ReportJSON {
        guard let freshness else { return .null }
        var fields: [(String, ReportJSON)] = [("p50", .null), ("p90", .null), ("p99", .null), ("max", .null)]
        if case .object(let figures) = ReportJSON.latency(freshness.latencies.summary) { fields = figures }
        return .object(
            fields + [
                ("samples", .int(freshness.latencies.count)), ("non_200", .counts(freshness.non200)),
                ("skipped", .int(freshness.skipped)),
            ])
    }

    var lines: [String] {
        var lines = [
            "bench allocate  run \(runID), \(clients) clients, "
                + (hot ? "hot: one SKU" : "spread over \(skus) SKUs")
                + (prior > 0 ? ", \(prior) prior allocations per SKU" : "")
                + (rate.map { String(format: ", paced at %.1f/s", $0) } ?? ", closed loop"),
            String(format: "commands    %d in %.3f s = %.1f/s", tally.commands, seconds, throughput),
            "latency ms  " + ReportText.latency(tally.latencies.summary),
            "outcomes    " + ReportText.counts(tally.outcomes),
            "errors      " + ReportText.counts(tally.errors),
        ]
        if let freshness {
            lines.append(
                "freshness   " + ReportText.latency(freshness.latencies.summary)
                    + "  (\(freshness.latencies.count) samples; non-200: \(ReportText.counts(freshness.non200)); "
                    + "skipped: \(freshness.skipped))")
        }
        return lines
    }
}

/// The text forms the reports share.
enum ReportText {
    static func latency(_ summary: LatencySummary?) -> String {
        guard let summary else { return "no samples" }
        return String(
            format: "p50 %.3f  p90 %.3f  p99 %.3f  max %.3f", summary.p50, summary.p90, summary.p99, summary.max)
    }

    static func counts(_ counts: [String: Int]) -> String {
        let nonZero = counts.keys.sorted().filter { counts[$0]! != 0 }
        return nonZero.isEmpty ? "none" : nonZero.map { "\($0) \(counts[$0]!)" }.joined(separator: "  ")
    }

    /// The report: lines for people, then the JSON line; with `--json` the JSON line alone.
    static func print(lines: [String], json: ReportJSON, jsonOnly: Bool) {
        var text = jsonOnly ? "" : lines.joined(separator: "\n") + "\n"
        text += json.rendered + "\n"
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
