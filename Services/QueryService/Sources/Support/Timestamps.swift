import Foundation

/// How the read side writes times: UTC ISO 8601 with milliseconds, like the wire, so text order is
/// time order in SQLite and JSON.
enum Timestamps {
    static func format(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(secondsFromGMT: 0)!))
    }

    /// The start of the minute holding `date`, e.g. `2026-11-26T01:02:00.000Z`: the charts' bucket.
    static func minute(of date: Date) -> String {
        format(Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60))
    }
}
