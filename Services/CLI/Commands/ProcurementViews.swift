import ArgumentParser
import Foundation

// Procurement's documents as the read side holds them (`po show`, `invoice show`, `supplier show`):
// the figures a clerk checks, in text; `--json` prints the query service's JSON, timestamps included.

extension PurchaseOrderCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an order: status, lines with what was received and invoiced, its invoices.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The order's number.") var number: String
        @Option(help: "Wait (bounded) until the read side has applied this position.") var minPosition: Int?

        func run() async throws {
            try await options.showDocument(
                "/purchase-orders/" + pathSegment(number), minPosition: minPosition, as: DocumentText.Order.self)
        }
    }
}

extension InvoiceCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an invoice: its match and every discrepancy, approval, due date, payments.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The supplier's id.") var supplier: String
        @Argument(help: "The invoice number.") var number: String
        @Option(help: "Wait (bounded) until the read side has applied this position.") var minPosition: Int?

        func run() async throws {
            try await options.showDocument(
                "/invoices/\(pathSegment(supplier))/\(pathSegment(number))", minPosition: minPosition,
                as: DocumentText.Invoice.self)
        }
    }
}

extension SupplierCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a supplier: its orders and invoices by status, spend, paid and outstanding.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The supplier's id.") var supplier: String
        @Option(help: "Wait (bounded) until the read side has applied this position.") var minPosition: Int?

        func run() async throws {
            try await options.showDocument(
                "/suppliers/" + pathSegment(supplier), minPosition: minPosition, as: DocumentText.Supplier.self)
        }
    }
}

func pathSegment(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? text
}

/// A read-side document the CLI can print as text.
protocol TextDocument: Decodable {
    var text: String { get }
}

extension GlobalOptions {
    func showDocument<Document: TextDocument>(_ path: String, minPosition: Int?, as: Document.Type) async throws {
        let body = try await read(path, minPosition: minPosition)
        guard !json else { return Output.json(body) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let document = try? decoder.decode(Document.self, from: body) else { return Output.text(body) }
        print(document.text)
    }
}

/// The documents' JSON, read into integers (money never passes through a floating-point number).
enum DocumentText {
    struct Closure: Decodable {
        var by: String
        var reason: String
    }

    struct Order: TextDocument {
        struct Line: Decodable {
            var line: Int
            var sku: String
            var ordered: Int
            var unitPrice: Int
            var received: Int
            var outstanding: Int
            var closedShort: Bool
            var invoiced: Int
        }
        struct InvoiceReference: Decodable {
            var supplier: String
            var invoice: String
            var status: String
            var total: Int
        }
        var po: String
        var status: String
        var supplier: String
        var supplierName: String?
        var requester: String
        var approver: String?
        var currency: String
        var total: Int
        var expectedDelivery: String
        var closure: Closure?
        var lines: [Line]
        var invoices: [InvoiceReference]

        var text: String {
            let money = { (minor: Int) in KPIText.money(minor: minor, currency: currency) }
            var lines = [
                "purchase order \(po)  \(status)  total \(money(total))",
                "supplier       \(supplier)" + (supplierName.map { " (\($0))" } ?? ""),
                "requested by   \(requester)" + (approver.map { ", approved by \($0)" } ?? ""),
                "expected       \(expectedDelivery)",
            ]
            if let closure { lines.append("closed by      \(closure.by): \(closure.reason)") }
            lines.append("")
            lines.append(
                Output.columns(
                    ["LINE", "SKU", "ORDERED", "UNIT PRICE", "RECEIVED", "OUTSTANDING", "INVOICED"],
                    self.lines.map {
                        [
                            "\($0.line)", $0.sku, "\($0.ordered)", money($0.unitPrice), "\($0.received)",
                            "\($0.outstanding)" + ($0.closedShort ? " (closed short)" : ""), "\($0.invoiced)",
                        ]
                    }))
            if !invoices.isEmpty {
                lines.append("")
                lines.append(
                    Output.columns(
                        ["INVOICE", "STATUS", "TOTAL"],
                        invoices.map { ["\($0.supplier) \($0.invoice)", $0.status, money($0.total)] }))
            }
            return lines.joined(separator: "\n")
        }
    }

    struct Invoice: TextDocument {
        struct Line: Decodable {
            var sku: String
            var qty: Int
            var unitPrice: Int
        }
        struct Discrepancy: Decodable {
            var sku: String
            var kind: String
            var invoiced: Int
            var expected: Int
        }
        struct Payment: Decodable {
            var amount: Int
            var paidOn: String
            var reference: String
        }
        var supplier: String
        var invoice: String
        var po: String
        var status: String
        var invoiceDate: String
        var currency: String
        var total: Int
        var lines: [Line]
        var discrepancies: [Discrepancy]
        var approvedBy: String?
        var overrideReason: String?
        var paymentDue: String?
        var payments: [Payment]
        var paid: Int
        var balance: Int
        var closure: Closure?

        var text: String {
            let money = { (minor: Int) in KPIText.money(minor: minor, currency: currency) }
            var lines = [
                "invoice \(supplier) \(invoice)  \(status)  total \(money(total))",
                "purchase order \(po), dated \(invoiceDate)",
            ]
            if let approvedBy {
                lines.append(
                    "approved by \(approvedBy)" + (overrideReason.map { " overriding the match: \($0)" } ?? ""))
            }
            if let closure { lines.append("rejected by \(closure.by): \(closure.reason)") }
            if let paymentDue { lines.append("payment due \(paymentDue), paid \(money(paid)), owed \(money(balance))") }
            lines.append("")
            lines.append(
                Output.columns(
                    ["SKU", "QTY", "UNIT PRICE", "AMOUNT"],
                    self.lines.map { [$0.sku, "\($0.qty)", money($0.unitPrice), money($0.qty * $0.unitPrice)] }))
            if !discrepancies.isEmpty {
                // Prices are money; quantities are units.
                let amount = { (kind: String, value: Int) in kind == "price_differs" ? money(value) : "\(value)" }
                lines.append("")
                lines.append(
                    Output.columns(
                        ["DISCREPANCY", "SKU", "INVOICED", "EXPECTED"],
                        discrepancies.map {
                            [
                                $0.kind.replacingOccurrences(of: "_", with: " "), $0.sku, amount($0.kind, $0.invoiced),
                                amount($0.kind, $0.expected),
                            ]
                        }))
            }
            if !payments.isEmpty {
                lines.append("")
                lines.append(
                    Output.columns(
                        ["PAID ON", "AMOUNT", "REFERENCE"],
                        payments.map { [$0.paidOn, money($0.amount), $0.reference] }))
            }
            return lines.joined(separator: "\n")
        }
    }

    struct Supplier: TextDocument {
        typealias Money = KPIText.Money
        struct Figures: Decodable {
            struct Status: Decodable {
                var status: String
                var count: Int
                var value: [Money]
            }
            var count: Int
            var value: [Money]
            var byStatus: [Status]
        }
        var supplier: String
        var name: String
        var currency: String
        var termsDays: Int
        var orders: Figures
        var invoices: Figures
        var spend: [Money]
        var paid: [Money]
        var outstanding: [Money]

        var text: String {
            func amounts(_ list: [Money]) -> String {
                list.isEmpty
                    ? KPIText.money(minor: 0, currency: currency)
                    : list.map { KPIText.money(minor: $0.value, currency: $0.currency) }.joined(separator: ", ")
            }
            func figures(_ title: String, _ figures: Figures) -> [String] {
                [
                    "",
                    Output.columns(
                        [title, "COUNT", "VALUE"],
                        figures.byStatus.map { [$0.status, "\($0.count)", amounts($0.value)] }
                            + [["all", "\(figures.count)", amounts(figures.value)]]),
                ]
            }
            return
                ([
                    "supplier \(supplier) (\(name))  \(currency), pays in \(termsDays) days",
                    "spend \(amounts(spend)), paid \(amounts(paid)), outstanding \(amounts(outstanding))",
                ] + figures("ORDERS", orders) + figures("INVOICES", invoices)).joined(separator: "\n")
        }
    }
}
