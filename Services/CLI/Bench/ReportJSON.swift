import Foundation

/// The JSON line a benchmark ends with, written by hand: keys stay in the order people read them
/// (JSONEncoder sorts or reorders them) and milliseconds always show exactly three decimals.
indirect enum ReportJSON {
    case null
    case int(Int)
    case decimal(Double, places: Int)
    case string(String)
    case array([ReportJSON])
    case object([(String, ReportJSON)])

    /// Counts by key (error codes, statuses), keys sorted so the output is stable.
    static func counts(_ counts: [String: Int]) -> ReportJSON {
        .object(counts.keys.sorted().map { ($0, .int(counts[$0]!)) })
    }

    /// p50/p90/p99/max in milliseconds with three decimals, or null without samples.
    static func latency(_ summary: LatencySummary?) -> ReportJSON {
        guard let summary else { return .null }
        return .object([
            ("p50", .milliseconds(summary.p50)), ("p90", .milliseconds(summary.p90)),
            ("p99", .milliseconds(summary.p99)), ("max", .milliseconds(summary.max)),
        ])
    }

    static func milliseconds(_ value: Double) -> ReportJSON { .decimal(value, places: 3) }

    /// One line, no spaces.
    var rendered: String {
        switch self {
        case .null: "null"
        case .int(let value): String(value)
        case .decimal(let value, let places): value.isFinite ? String(format: "%.\(places)f", value) : "null"
        case .string(let value): Self.quoted(value)
        case .array(let values): "[" + values.map(\.rendered).joined(separator: ",") + "]"
        case .object(let fields):
            "{" + fields.map { Self.quoted($0.0) + ":" + $0.1.rendered }.joined(separator: ",") + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
