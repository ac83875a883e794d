import ArgumentParser
import Foundation

/// `cosmic bench query`: HTTP latency of the query service, over kept-alive connections, one
/// blocking client per thread.
struct BenchQuery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Measure the query service's HTTP latency.",
        discussion: """
            Clients share --warmup + --requests GETs, taking the --path templates in turn; {n} in a \
            template becomes a random integer from 1 to --n-max. Prints a summary per path, then one \
            line of JSON (--json: only that).
            """)

    @OptionGroup var options: GlobalOptions

    @Option(
        name: .customLong("path"), help: "A path to GET, e.g. '/allocations/order-{n}' (repeatable; default /health).")
    var paths: [String] = []
    @Option(help: "Largest number {n} stands for.") var nMax = 1_000_000
    @Option(help: "Requests measured, over all clients.") var requests = 10_000
    @Option(help: "Requests before measuring, not counted.") var warmup = 500
    @Option(help: "Concurrent clients, each with its own connection and thread.") var clients = 4

    func validate() throws {
        guard (1...1000).contains(clients) else { throw ValidationError("--clients must be from 1 to 1000") }
        guard requests >= 1 else { throw ValidationError("--requests must be 1 or more") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
        guard nMax >= 1 else { throw ValidationError("--n-max must be 1 or more") }
        for path in paths where !path.hasPrefix("/") || path.contains(where: { $0 == " " || $0.isNewline }) {
            throw ValidationError("--path must start with '/' and contain no spaces: \(path)")
        }
    }

    var templates: [PathTemplate] {
        (paths.isEmpty ? ["/health"] : paths).map { PathTemplate(template: $0, nMax: nMax) }
    }

    func run() async throws {
        let endpoint: HTTPEndpoint
        do {
            endpoint = try HTTPEndpoint(url: options.query)
        } catch {
            throw fail(.badInput, "--query-url: \(error)")
        }
        let templates = templates
        let (warmup, total, timeout) = (warmup, warmup + requests, options.wait)
        let tickets = Tickets()
        progress("\(warmup) warm-up requests, then \(requests) measured, from \(clients) clients")
        let tally = await withTaskGroup(of: QueryTally.self) { group in
            for client in 0..<clients {
                group.addTask {
                    await onDedicatedThread(name: "bench-query-\(client)") {
                        Self.runClient(endpoint, timeout, templates, tickets, warmup: warmup, total: total)
                    }
                }
            }
            var all = QueryTally()
            for await tally in group { all.merge(tally) }
            return all
        }
        let report = QueryReport(clients: clients, paths: templates.map(\.template), tally: tally)
        ReportText.print(lines: report.lines, json: report.json, jsonOnly: options.json)
    }

    /// One client's loop, on its own thread: claim a ticket, GET its path, record unless warming up.
    private static func runClient(
        _ endpoint: HTTPEndpoint, _ timeout: Duration, _ templates: [PathTemplate], _ tickets: Tickets,
        warmup: Int, total: Int
    ) -> QueryTally {
        let connection = HTTPConnection(endpoint: endpoint, timeout: timeout)
        defer { connection.close() }
        var tally = QueryTally()
        while true {
            let ticket = tickets.claim()
            guard ticket < total else { return tally }
            let template = templates[ticket % templates.count]
            let path = template.path()
            let sentAt = ContinuousClock.now
            let result = Result { () throws(HTTPClientError) in try connection.get(path) }
            guard ticket >= warmup else { continue }
            tally.record(path: template.template, result: result, sentAt: sentAt, doneAt: .now)
        }
    }
}
