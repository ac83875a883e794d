import Contracts
import Foundation

/// How the read side writes times: UTC ISO 8601 with milliseconds, exactly the wire's text, so text
/// order is time order in SQLite and JSON. (The wire's own formatter, rather than a FormatStyle: it
/// runs twice per applied event, and a FormatStyle costs microseconds.)
enum Timestamps {
    static func format(_ date: Date) -> String { WireTimestamp.format(date) }

    /// The start of the minute holding `date`, e.g. `2026-11-26T01:02:00.000Z`: the charts' bucket.
    static func minute(of date: Date) -> String {
        format(Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60))
    }
}
