import ArgumentParser

/// `cosmic bench`: the project's load generators. They speak only the documented protocol and the
/// query API, like any other client, so their figures are what a real client would see.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the services: allocation load and freshness, query latency.",
        subcommands: [BenchAllocate.self, BenchQuery.self, BenchApprovals.self])
}
