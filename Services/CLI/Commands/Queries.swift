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
        try await options.show("/api/dashboard", minPosition: nil)
    }
}

extension GlobalOptions {
    func show(_ path: String, minPosition: Int?) async throws {
        let items = minPosition.map { [URLQueryItem(name: "min_position", value: String($0))] } ?? []
        let body = try await QueryClient(baseURL: query, timeout: wait).get(path, query: items)
        json ? Output.json(body) : Output.text(body)
    }
}
