import ArgumentParser
import Foundation

// Reads from the query service's HTTP API, printed as text or, with --json, as the service sent it.

struct Allocations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show where an order's lines are allocated.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The order.") var orderID: String
    @Option(help: "Wait (bounded) until the read side has applied this position: read your own writes.")
    var minPosition: Int?

    func run() async throws {
        let path = "/allocations/" + (orderID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? orderID)
        try await options.show(path, minPosition: minPosition)
    }
}

struct Stock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a SKU's stock, batch by batch.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The SKU.") var sku: String
    @Option(help: "Wait (bounded) until the read side has applied this position.") var minPosition: Int?

    func run() async throws {
        let path = "/stock/" + (sku.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? sku)
        try await options.show(path, minPosition: minPosition)
    }
}

struct Dashboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the dashboard's figures as tables.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let body = try await QueryClient(baseURL: options.query, timeout: options.wait).get("/api/dashboard")
        guard !options.json else { return Output.json(body) }
        // The chart's series has a row for every minute of the last hour; a table needs the busy ones.
        guard var dashboard = try? JSONDecoder().decode([String: JSONValue].self, from: body),
            case .array(let minutes)? = dashboard["events_per_minute"]
        else { return Output.text(body) }
        dashboard["events_per_minute"] = .array(
            minutes.filter { minute in
                if case .object(let fields) = minute, fields["total"] == .number(0) { return false }
                return true
            })
        Output.render(.object(dashboard), title: nil)
    }
}

extension GlobalOptions {
    func show(_ path: String, minPosition: Int?) async throws {
        let items = minPosition.map { [URLQueryItem(name: "min_position", value: String($0))] } ?? []
        let body = try await QueryClient(baseURL: query, timeout: wait).get(path, query: items)
        json ? Output.json(body) : Output.text(body)
    }
}
