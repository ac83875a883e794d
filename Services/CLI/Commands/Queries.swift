import ArgumentParser
import Contracts
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
                if case .object(let fields) = minute, fields["total"] == .integer(0) { return false }
                return true
            })
        Output.render(.object(dashboard), title: nil)
    }
}

extension GlobalOptions {
    func show(_ path: String, minPosition: Int?) async throws {
        let body = try await read(path, minPosition: minPosition)
        json ? Output.json(body) : Output.text(body)
    }

    /// The body of `path`, once the read side has applied `minPosition` (when given).
    func read(_ path: String, minPosition: Int?) async throws -> Data {
        let items = minPosition.map { [URLQueryItem(name: "min_position", value: String($0))] } ?? []
        return try await QueryClient(baseURL: query, timeout: wait).get(path, query: items)
    }
}

struct KPIs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpis",
        abstract: "Show procurement's KPIs over a range of UTC days.",
        discussion: """
            Orders created and approved, approval cycle time, on-time delivery, invoice first-pass match \
            rate and spend by supplier count the events of the days from --from to --to (both optional, \
            all time by default); invoices awaiting approval, payments due in the next 7 days and the \
            reorder list are as of now. Money is shown per currency, never added across currencies.
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "First UTC day, YYYY-MM-DD (default: from the beginning).") var from: String?
    @Option(help: "Last UTC day, YYYY-MM-DD (default: up to now).") var to: String?
    @Option(help: "Wait (bounded) until the read side has applied this position.") var minPosition: Int?

    func run() async throws {
        var items: [URLQueryItem] = []
        if let from { items.append(URLQueryItem(name: "from", value: from)) }
        if let to { items.append(URLQueryItem(name: "to", value: to)) }
        if let minPosition { items.append(URLQueryItem(name: "min_position", value: String(minPosition))) }
        let body = try await QueryClient(baseURL: options.query, timeout: options.wait).get(
            "/api/procurement/kpis", query: items)
        guard !options.json else { return Output.json(body) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let kpis = try? decoder.decode(KPIText.Document.self, from: body) else { return Output.text(body) }
        print(KPIText.render(kpis))
    }
}

/// `cosmic kpis` as text: one line per figure, money per currency in major units. The JSON is read
/// into integers (money never passes through a floating-point number).
enum KPIText {
    struct Money: Decodable {
        var currency: String
        var value: Int
    }
    struct Counted: Decodable {
        var count: Int
        var value: [Money]
    }
    struct Document: Decodable {
        struct Cycle: Decodable { var approvals: Int; var averageSeconds: Double? }
        struct OnTime: Decodable { var receiptLines: Int; var onTime: Int; var rate: Double? }
        struct FirstPass: Decodable { var registered: Int; var matched: Int; var rate: Double? }
        struct Due: Decodable { var from: String; var to: String; var count: Int; var value: [Money] }
        struct Spend: Decodable {
            struct Supplier: Decodable { var supplier: String; var name: String?; var value: Int }
            var currency: String
            var suppliers: [Supplier]
        }
        struct Reorder: Decodable { var sku: String; var outOfStock: Int; var unitsShort: Int }
        var from: String?
        var to: String?
        var today: String
        var ordersCreated: Counted
        var ordersApproved: Counted
        var ordersRejected: Int
        var ordersCancelled: Int
        var approvalCycle: Cycle
        var onTimeDelivery: OnTime
        var firstPassMatch: FirstPass
        var invoicesApproved: Counted
        var paymentsMade: Counted
        var invoicesAwaitingApproval: Counted
        var paymentsDue: Due
        var spendBySupplier: [Spend]
        var reorderList: [Reorder]
    }

    static func render(_ k: Document) -> String {
        let range = k.from == nil && k.to == nil ? "all time" : "\(k.from ?? "the beginning") to \(k.to ?? "now")"
        var lines = ["Procurement KPIs, \(range) (UTC days; today \(k.today))", ""]
        func line(_ label: String, _ value: String, _ detail: String = "") {
            // Padded, never cut: a value wider than its column pushes the detail along.
            func pad(_ text: String, _ width: Int) -> String {
                text + String(repeating: " ", count: max(1, width - text.count))
            }
            let text = pad(label, 30) + pad(value, 8) + detail
            lines.append(String(text.reversed().drop(while: { $0 == " " }).reversed()))
        }
        func amounts(_ list: [Money]) -> String {
            list.map { money(minor: $0.value, currency: $0.currency) }.joined(separator: ", ")
        }
        func percent(_ rate: Double?) -> String { rate.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        line("orders created", "\(k.ordersCreated.count)", amounts(k.ordersCreated.value))
        line("orders approved", "\(k.ordersApproved.count)", amounts(k.ordersApproved.value))
        line("orders rejected", "\(k.ordersRejected)")
        line("orders cancelled", "\(k.ordersCancelled)")
        line("average approval cycle", k.approvalCycle.averageSeconds.map(duration) ?? "–")
        line(
            "on-time delivery", percent(k.onTimeDelivery.rate),
            "\(k.onTimeDelivery.onTime) of \(k.onTimeDelivery.receiptLines) receipt lines")
        line(
            "first-pass match", percent(k.firstPassMatch.rate),
            "\(k.firstPassMatch.matched) of \(k.firstPassMatch.registered) invoices")
        line("invoices approved (spend)", "\(k.invoicesApproved.count)", amounts(k.invoicesApproved.value))
        line("payments made", "\(k.paymentsMade.count)", amounts(k.paymentsMade.value))
        line(
            "awaiting approval (now)", "\(k.invoicesAwaitingApproval.count)", amounts(k.invoicesAwaitingApproval.value))
        line("due \(k.paymentsDue.from)..\(k.paymentsDue.to)", "\(k.paymentsDue.count)", amounts(k.paymentsDue.value))
        if !k.spendBySupplier.isEmpty {
            lines += ["", "spend by supplier"]
            for currency in k.spendBySupplier {
                for supplier in currency.suppliers {
                    line("  " + supplier.supplier, "", money(minor: supplier.value, currency: currency.currency))
                }
            }
        }
        lines += ["", "reorder list (now)" + (k.reorderList.isEmpty ? ": nothing to reorder" : "")]
        for item in k.reorderList {
            line(
                "  " + item.sku, "",
                "\(item.outOfStock) out-of-stock event\(item.outOfStock == 1 ? "" : "s"), \(item.unitsShort) units short"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// Seconds in the two largest units that apply: `45 s`, `3 min 20 s`, `8 h 50 min`, `2 d 4 h`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        switch whole {
        case ..<60: return "\(whole) s"
        case ..<3_600: return "\(whole / 60) min \(whole % 60) s"
        case ..<86_400: return "\(whole / 3_600) h \(whole % 3_600 / 60) min"
        default: return "\(whole / 86_400) d \(whole % 86_400 / 3_600) h"
        }
    }

    /// Minor units as major ones, by string arithmetic (no float): `EUR 1,234.50`, `JPY 1,234`.
    static func money(minor: Int, currency: String) -> String {
        let decimals = minorUnitDigits(currency)
        let digits = String(minor.magnitude)
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let whole = padded.dropLast(decimals)
        var grouped = ""
        for (index, character) in whole.enumerated() {
            if index > 0 && (whole.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        let fraction = decimals > 0 ? "." + padded.suffix(decimals) : ""
        return "\(currency) \(minor < 0 ? "-" : "")\(grouped)\(fraction)"
    }

    /// ISO 4217's minor unit digits: 2 but for the currencies listed (the table, not the platform's
    /// formatter, whose answer differs between Foundation implementations).
    static func minorUnitDigits(_ currency: String) -> Int {
        switch currency {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF",
            "XOF", "XPF":
            0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND": 3
        case "CLF", "UYW": 4
        default: 2
        }
    }
}
