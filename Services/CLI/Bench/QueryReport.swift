import Foundation

/// What `bench query` prints: per path template and overall, lines for people and then one JSON
/// line. Built from tallies only, so it is tested without a service.
struct QueryReport {
    var clients: Int
    /// The templates in the order given, so the report follows the command line.
    var paths: [String]
    var tally: QueryTally

    var throughput: Double { tally.seconds > 0 ? Double(tally.requests) / tally.seconds : 0 }

    private var overall: QueryTally.PathFigures {
        var all = QueryTally.PathFigures()
        for figures in tally.paths.values {
            all.latencies.merge(figures.latencies)
            all.non2xx.merge(figures.non2xx, uniquingKeysWith: +)
            all.errors.merge(figures.errors, uniquingKeysWith: +)
            all.requests += figures.requests
        }
        return all
    }

    var json: ReportJSON {
        let overall = overall
        return .object([
            ("bench", .string("query")),
            ("clients", .int(clients)),
            ("requests", .int(tally.requests)),
            ("seconds", .decimal(tally.seconds, places: 3)),
            ("throughput", .decimal(throughput, places: 1)),
            ("latency_ms", .latency(overall.latencies.summary)),
            ("non_2xx", .counts(overall.non2xx)),
            ("errors", .counts(overall.errors)),
            (
                "paths",
                .object(
                    paths.map { path in
                        let figures = tally.paths[path] ?? QueryTally.PathFigures()
                        return (
                            path,
                            .object([
                                ("requests", .int(figures.requests)),
                                ("latency_ms", .latency(figures.latencies.summary)),
                                ("non_2xx", .counts(figures.non2xx)),
                                ("errors", .counts(figures.errors)),
                            ])
                        )
                    })
            ),
        ])
    }

    var lines: [String] {
        let overall = overall
        var lines = [
            "bench query  \(clients) clients",
            String(format: "requests    %d in %.3f s = %.1f/s", tally.requests, tally.seconds, throughput),
            "latency ms  " + ReportText.latency(overall.latencies.summary),
            "non-2xx     " + ReportText.counts(overall.non2xx),
            "errors      " + ReportText.counts(overall.errors),
        ]
        for path in paths {
            let figures = tally.paths[path] ?? QueryTally.PathFigures()
            lines.append(
                "  \(path)  \(figures.requests) requests  \(ReportText.latency(figures.latencies.summary))"
                    + "  non-2xx: \(ReportText.counts(figures.non2xx))")
        }
        return lines
    }
}
