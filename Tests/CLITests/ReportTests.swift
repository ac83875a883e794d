import Testing

@testable import cosmic

@Suite struct ReportTests {
    /// 10, 20, … 1000 µs: below 2048 µs the histogram is exact, so the percentiles are known.
    private func latencies() -> Latencies {
        var latencies = Latencies()
        for value in 1...100 { latencies.record(microseconds: UInt64(value * 10)) }
        return latencies
    }

    @Test func latencyPercentilesInMilliseconds() throws {
        let summary = try #require(latencies().summary)
        #expect(summary == LatencySummary(p50: 0.5, p90: 0.9, p99: 0.99, max: 1.0))
        #expect(Latencies().summary == nil)
        var merged = latencies()
        merged.merge(latencies())
        #expect(merged.count == 200)
        #expect(merged.summary == summary)
    }

    @Test func durationsAreRecordedInMicroseconds() {
        var latencies = Latencies()
        latencies.record(.microseconds(1500))
        latencies.record(.nanoseconds(999))
        #expect(latencies.summary == LatencySummary(p50: 0, p90: 1.5, p99: 1.5, max: 1.5))
    }

    @Test func theAllocateReportEndsWithOneJSONLine() {
        var tally = AllocationTally()
        tally.latencies = latencies()
        tally.commands = 100
        tally.warmupCommands = 4
        tally.outcomes = ["allocated": 97, "out_of_stock": 1]
        tally.errors = ["timeout": 1, "concurrency_conflict": 1]
        var freshness = FreshnessProbe.Tally()
        freshness.latencies.record(microseconds: 2000)
        freshness.non200 = ["503": 1]
        freshness.skipped = 2
        let report = AllocateReport(
            runID: "r1", hot: false, clients: 2, skus: 3, prior: 0, rate: nil, tally: tally, seconds: 2,
            freshness: freshness)
        #expect(
            report.json.rendered
                == #"{"bench":"allocate","run_id":"r1","mode":"spread","clients":2,"skus":3,"prior":0,"rate":null,"#
                + #""warmup_commands":4,"commands":100,"seconds":2.000,"throughput":50.0,"#
                + #""latency_ms":{"p50":0.500,"p90":0.900,"p99":0.990,"max":1.000},"#
                + #""outcomes":{"allocated":97,"out_of_stock":1},"errors":{"concurrency_conflict":1,"timeout":1},"#
                + #""freshness_ms":{"p50":2.000,"p90":2.000,"p99":2.000,"max":2.000,"samples":1,"non_200":{"503":1},"skipped":2}}"#
        )
        #expect(report.lines.contains("latency ms  p50 0.500  p90 0.900  p99 0.990  max 1.000"))
        #expect(report.lines.contains("errors      concurrency_conflict 1  timeout 1"))

        let plain = AllocateReport(
            runID: "r2", hot: true, clients: 1, skus: 1, prior: 10, rate: 5, tally: AllocationTally(), seconds: 0,
            freshness: nil)
        #expect(plain.json.rendered.contains(#""mode":"hot""#))
        #expect(plain.json.rendered.contains(#""rate":5.0"#))
        #expect(plain.json.rendered.contains(#""latency_ms":null"#))
        #expect(plain.json.rendered.hasSuffix(#""errors":{},"freshness_ms":null}"#))
        #expect(plain.lines.contains("errors      none"))
    }

    @Test func theQueryReportHasFiguresPerPath() {
        let start = ContinuousClock.now
        var tally = QueryTally()
        let ok = HTTPResponse(status: 200, headers: [:], body: [], keepAlive: true)
        let missing = HTTPResponse(status: 404, headers: [:], body: [], keepAlive: true)
        tally.record(path: "/a/{n}", result: .success(ok), sentAt: start, doneAt: start + .microseconds(500))
        var other = QueryTally()
        other.record(
            path: "/a/{n}", result: .success(missing), sentAt: start + .seconds(1),
            doneAt: start + .seconds(1) + .microseconds(700))
        other.record(
            path: "/b", result: .failure(.timeout), sentAt: start + .seconds(1), doneAt: start + .seconds(2))
        tally.merge(other)
        let report = QueryReport(clients: 2, paths: ["/a/{n}", "/b"], tally: tally)
        #expect(
            report.json.rendered
                == #"{"bench":"query","clients":2,"requests":3,"seconds":2.000,"throughput":1.5,"#
                + #""latency_ms":{"p50":0.500,"p90":0.700,"p99":0.700,"max":0.700},"non_2xx":{"404":1},"#
                + #""errors":{"timeout":1},"paths":{"#
                + #""/a/{n}":{"requests":2,"latency_ms":{"p50":0.500,"p90":0.700,"p99":0.700,"max":0.700},"#
                + #""non_2xx":{"404":1},"errors":{}},"#
                + #""/b":{"requests":1,"latency_ms":null,"non_2xx":{},"errors":{"timeout":1}}}}"#)
    }

    @Test func jsonStringsAreEscaped() {
        #expect(ReportJSON.string("a\"b\\c\n\u{1}").rendered == #""a\"b\\c\n\u0001""#)
        #expect(ReportJSON.decimal(.nan, places: 3).rendered == "null")
    }
}
