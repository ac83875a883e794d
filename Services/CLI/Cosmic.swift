import ArgumentParser

/// `cosmic`: the command-line client. It speaks only the documented protocol (docs/PROTOCOL.md) and
/// the query service's HTTP API, so it is also a worked example of a client.
@main
struct Cosmic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosmic",
        abstract: "Send commands to Cosmic and query its read side.",
        discussion: """
            Exit codes: 0 done (an allocation that ran out of stock is done too), 1 rejected by a domain \
            rule, 2 refused as bad input, 3 unavailable (no answer in time, or a retryable error), \
            64 usage error.
            """,
        subcommands: [
            AddBatch.self, Allocate.self, Deallocate.self, ChangeQuantity.self,
            Allocations.self, Stock.self, Dashboard.self, Events.self, Bench.self,
        ])
}
