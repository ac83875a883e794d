import Testing

@testable import cosmic

@Suite struct BenchOptionsTests {
    @Test func allocateDefaults() throws {
        let command = try BenchAllocate.parse([])
        #expect(command.clients == 16)
        #expect(command.warmup == 2)
        #expect(command.plan.skus == 100)
        #expect(AllocationPlan.isValidRunID(command.plan.runID))
        #expect(try BenchAllocate.parse(["--hot"]).plan.skus == 1)
    }

    @Test(arguments: [
        ["--clients", "0"], ["--duration", "5", "--count", "10"], ["--duration", "0"], ["--count", "0"],
        ["--warmup", "-1"], ["--skus", "0"], ["--hot", "--skus", "5"], ["--prior", "-1"], ["--rate", "0"],
        ["--run-id", "has space"], ["--run-id", String(repeating: "x", count: 33)], ["--timeout", "0"],
    ])
    func allocateRefuses(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try BenchAllocate.parse(arguments) }
    }

    @Test func allocateAcceptsAFullCommandLine() throws {
        let command = try BenchAllocate.parse([
            "--skus", "1", "--prior", "100000", "--clients", "1", "--count", "2000", "--rate", "250.5",
            "--run-id", "growth_1", "--freshness", "--json",
        ])
        #expect(command.plan == AllocationPlan(runID: "growth_1", clients: 1, skus: 1))
        #expect(command.count == 2000)
        #expect(command.rate == 250.5)
        #expect(command.freshness)
    }

    @Test func queryDefaultsAndLimits() throws {
        let command = try BenchQuery.parse([])
        #expect(command.templates == [PathTemplate(template: "/health", nMax: 1_000_000)])
        #expect((command.requests, command.warmup, command.clients) == (10_000, 500, 4))
        let paths = try BenchQuery.parse(["--path", "/a/{n}", "--path", "/b", "--n-max", "9"])
        #expect(paths.templates.map(\.template) == ["/a/{n}", "/b"])
        #expect(paths.templates.allSatisfy { $0.nMax == 9 })
        for arguments in [
            ["--requests", "0"], ["--warmup", "-1"], ["--clients", "0"], ["--n-max", "0"], ["--path", "x"],
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try BenchQuery.parse(arguments) }
        }
    }
}
