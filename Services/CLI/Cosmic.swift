import ArgumentParser
import Foundation

/// `cosmic`: the command-line client. It speaks only the documented protocol (docs/PROTOCOL.md) and
/// the query service's HTTP API, so it is also a worked example of a client.
@main
struct Cosmic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosmic",
        abstract: "Send commands to Cosmic and query its read side.",
        discussion: """
            Examples (the services must be running: scripts/run starts them):
            \(examples.map { "  \($0.command.padding(toLength: 44, withPad: " ", startingAt: 0))  \($0.what)" }
                .joined(separator: "\n"))

            Exit codes: 0 done (an allocation that ran out of stock is done too), 1 rejected by a domain \
            rule (or unhealthy, for health), 2 refused as bad input, 3 unavailable (no answer in time, or \
            a retryable error), 64 usage error.
            """,
        subcommands: [
            AddBatch.self, Allocate.self, Deallocate.self, ChangeQuantity.self,
            SupplierCommand.self, PurchaseOrderCommand.self, Receive.self, InvoiceCommand.self, Pay.self,
            Allocations.self, Stock.self, Dashboard.self, KPIs.self, Events.self, Health.self, Bench.self, Fuzz.self,
            Keys.self,
        ])

    /// One example for every subcommand, in the order of `subcommands` (a test keeps it complete).
    static let examples: [(command: String, what: String)] = [
        ("cosmic add-batch b-warehouse LAMP 20", "20 LAMPs in the warehouse"),
        ("cosmic allocate order-1 LAMP 15", "allocate an order line"),
        ("cosmic deallocate order-1 LAMP", "give its stock back"),
        ("cosmic change-quantity b-warehouse 10", "change a batch's quantity"),
        ("cosmic supplier create ACME Acme EUR", "register a supplier"),
        ("cosmic po approve PO-1 --as bob", "approve a purchase order"),
        ("cosmic receive PO-1 1:60 --on 2027-01-14", "60 units of line 1 arrived"),
        ("cosmic invoice approve ACME INV-1 --as bob", "approve a matched invoice"),
        ("cosmic pay ACME INV-1 30000 EUR", "pay 300.00 EUR of it"),
        ("cosmic allocations order-1 --min-position 3", "where an order is allocated"),
        ("cosmic stock LAMP", "a SKU's stock, batch by batch"),
        ("cosmic dashboard", "the dashboard's figures"),
        ("cosmic kpis --from 2027-01-01", "procurement KPIs since 1 January 2027"),
        ("cosmic events --follow", "the event log, live"),
        ("cosmic health", "are both services up?"),
        ("cosmic bench allocate --duration 10", "load the command service"),
        ("cosmic fuzz --frames 1000 --seed 7", "malformed input: every answer checked"),
        ("cosmic keys generate alice --dir keys", "a CURVE keypair for secure mode"),
    ]

    /// Before parsing: a word that is no subcommand gets the nearest one suggested, since the parser
    /// alone would only say it is unexpected.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = SubcommandSuggestion.message(for: arguments, in: .init(Cosmic.self)) {
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        await main(arguments)
    }
}

/// Finds a mistyped subcommand (`cosmic alocate …`) and suggests the closest real one.
enum SubcommandSuggestion {
    /// A command's name and its subcommands', as plain values.
    struct Node {
        var name: String
        var children: [Node]

        init<Command: ParsableCommand>(_ command: Command.Type) {
            name = command._commandName
            children = command.configuration.subcommands.map { Node($0) }
        }
    }

    /// The message for the first word that should name a subcommand and names none, else nil.
    static func message(for arguments: [String], in root: Node) -> String? {
        var command = root
        var path = [root.name]
        for word in arguments {
            guard !command.children.isEmpty, !word.hasPrefix("-") else { return nil }
            if let child = command.children.first(where: { $0.name == word }) {
                command = child
                path.append(word)
                continue
            }
            if word == "help" { return nil }
            let names = command.children.map(\.name)
            let line = "\(path.joined(separator: " ")): unknown subcommand '\(word)'."
            let more = "`\(path.joined(separator: " ")) --help` lists them all with an example each."
            guard let nearest = closest(to: word, among: names) else {
                return "\(line) It is one of: \(names.joined(separator: ", ")).\n\(more)"
            }
            return "\(line) Did you mean '\(nearest)'?\n  \(path.joined(separator: " ")) \(nearest) --help\n\(more)"
        }
        return nil
    }

    /// The name nearest to `word` by edit distance, when near enough to be a typo (or a prefix).
    static func closest(to word: String, among names: [String]) -> String? {
        let scored = names.map { name in (name, name.hasPrefix(word) ? 0 : distance(word, name)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, word.count / 3) ? best.0 : nil
    }

    /// Levenshtein distance, ignoring case.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
