import Foundation
import TestSupport
import Testing

/// `cosmic bench` against the real services on a throwaway database: the figures it reports must
/// add up and agree with what the read side shows. Correctness only; speed is BENCHMARKS.md's job.
@Suite(.serialized) struct BenchTests {
    @Test func benchAllocateAndBenchQueryReportWhatReallyHappened() async throws {
        try await withSystemAndQuery { command, query in
            _ = try await Dealer(command.commandEndpoint).commandWhenServing(
                Request.createBatch("bench-ready", ref: "bench-ready", sku: "BENCH-READY", qty: 1))
            let global = [
                "--command-endpoint", command.commandEndpoint, "--query-url", "http://127.0.0.1:\(query.httpPort)",
                "--timeout", "30",
            ]
            let run = "e2e\(UInt32.random(in: 0...UInt32.max))"

            let allocate = try await cosmic(
                [
                    "bench", "allocate", "--clients", "2", "--count", "60", "--skus", "3", "--freshness", "--json",
                    "--run-id", run,
                ] + global)
            #expect(allocate.status == 0, "\(allocate.output)")
            let report = try jsonLine(allocate.output)
            #expect(report["bench"] as? String == "allocate")
            #expect(report["commands"] as? Int == 60)
            let outcomes = try #require(report["outcomes"] as? [String: Int])
            let errors = try #require(report["errors"] as? [String: Int])
            #expect(errors.isEmpty, "\(errors)")
            #expect(outcomes == ["allocated": 60, "out_of_stock": 0])
            let answered: Int = outcomes.values.reduce(0, +)
            let failed: Int = errors.values.reduce(0, +)
            #expect(answered + failed == 60)
            let latency = try #require(report["latency_ms"] as? [String: Double])
            #expect(Set(latency.keys) == ["p50", "p90", "p99", "max"])
            let freshness = try #require(report["freshness_ms"] as? [String: Any])
            #expect((freshness["samples"] as? Int ?? 0) > 0, "\(freshness)")
            #expect((freshness["non_200"] as? [String: Int])?.isEmpty == true, "\(freshness)")
            let warmup = try #require(report["warmup_commands"] as? Int)

            // Every allocation the run made, warm-up included, shows in the read side's stock.
            let head = try await command.publishedHead()
            _ = try await eventually("the read side reaches \(head)") {
                try await query.health().checkpoint >= head ? true : nil
            }
            var allocated = 0
            for sku in 0..<3 { allocated += try #require(try await query.stock("\(run)-sku-\(sku)")).allocated }
            #expect(allocated == 60 + warmup)
            let lookup = try await cosmic(["allocations", "\(run)-m0-0", "--json"] + global)
            #expect(lookup.status == 0, "\(lookup.output)")
            let rows = try JSONDecoder().decode([AllocationRow].self, from: Data(lookup.output.utf8))
            #expect(rows.count == 1)
            #expect(rows.first?.sku == "\(run)-sku-0")
            #expect(rows.first?.batchref.hasPrefix("\(run)-b0-") == true, "\(rows)")

            // Three paths in turn: 300 measured requests are 100 each; the missing order is a 404.
            let paths = ["/stock/\(run)-sku-{n}", "/allocations/\(run)-missing-{n}", "/health"]
            let queried = try await cosmic(
                [
                    "bench", "query", "--n-max", "2", "--requests", "300", "--warmup", "30", "--clients", "2",
                    "--json",
                ]
                    + paths.flatMap { ["--path", $0] } + global)
            #expect(queried.status == 0, "\(queried.output)")
            let figures = try jsonLine(queried.output)
            #expect(figures["bench"] as? String == "query")
            #expect(figures["requests"] as? Int == 300)
            #expect((figures["errors"] as? [String: Int])?.isEmpty == true, "\(figures)")
            #expect(figures["non_2xx"] as? [String: Int] == ["404": 100])
            let perPath = try #require(figures["paths"] as? [String: [String: Any]])
            #expect(Set(perPath.keys) == Set(paths))
            for path in paths {
                #expect(perPath[path]?["requests"] as? Int == 100, "\(path)")
                let non2xx = perPath[path]?["non_2xx"] as? [String: Int]
                #expect(non2xx == (path.contains("missing") ? ["404": 100] : [:]), "\(path)")
            }
        }
    }

    /// Runs the `cosmic` executable off the cooperative pool; standard error is dropped.
    private func cosmic(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await Executables.run("cosmic", arguments)
    }

    /// The output must be exactly one line of JSON (`--json`).
    private func jsonLine(_ output: String) throws -> [String: Any] {
        let lines = output.split(separator: "\n")
        #expect(lines.count == 1, "\(output)")
        let object = try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8))
        return try #require(object as? [String: Any])
    }
}
