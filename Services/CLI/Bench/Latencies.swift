import Histogram

/// A latency distribution, recorded in microseconds and read in milliseconds.
///
/// HdrHistogram keeps every percentile to three significant digits at any sample count in fixed
/// memory, so the tail (p99, max) is exact enough to compare runs, where a mean or a sample would
/// hide it. Each client keeps its own and they are merged at the end, so recording takes no lock.
struct Latencies: Sendable {
    /// Ten minutes; anything longer is recorded as ten minutes (no command waits that long).
    static let highestMicroseconds: UInt64 = 600_000_000

    private(set) var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: highestMicroseconds, numberOfSignificantValueDigits: .three)

    var count: Int { Int(histogram.totalCount) }

    mutating func record(microseconds: UInt64) {
        histogram.record(min(microseconds, Self.highestMicroseconds))
    }

    mutating func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return record(microseconds: 0) }
        record(microseconds: UInt64(seconds) * 1_000_000 + UInt64(attoseconds / 1_000_000_000_000))
    }

    mutating func merge(_ other: Latencies) { histogram.add(other.histogram) }

    /// The percentiles in milliseconds, or nil when nothing was recorded.
    var summary: LatencySummary? {
        guard count > 0 else { return nil }
        func milliseconds(_ microseconds: UInt64) -> Double { Double(microseconds) / 1000 }
        return LatencySummary(
            p50: milliseconds(histogram.valueAtPercentile(50)), p90: milliseconds(histogram.valueAtPercentile(90)),
            p99: milliseconds(histogram.valueAtPercentile(99)), max: milliseconds(histogram.maxRecorded))
    }
}

/// The figures a report shows of a distribution, in milliseconds.
struct LatencySummary: Equatable, Sendable {
    var p50: Double
    var p90: Double
    var p99: Double
    var max: Double
}
