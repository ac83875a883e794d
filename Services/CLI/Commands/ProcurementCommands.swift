import ArgumentParser
import Contracts
import Foundation

// Procurement's write commands, grouped as a purchasing clerk thinks of them: suppliers, purchase
// orders, receipts, invoices, payments. Amounts are whole minor units (cents); `--as` names who acts.

struct SupplierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supplier", abstract: "Register and show suppliers.", subcommands: [Create.self, Show.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a supplier.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var identity: CommandIdentity
        @Argument(help: "The supplier's id.") var supplier: String
        @Argument(help: "Its name.") var name: String
        @Argument(help: "ISO 4217 currency it invoices in.") var currency: String
        @Option(help: "Days an invoice gives to pay.") var terms: Int = 30

        func run() async throws {
            try await options.send(
                .createSupplier(
                    CreateSupplierPayload(supplier: supplier, name: name, currency: currency, termsDays: terms)),
                identity)
        }
    }
}

struct PurchaseOrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "po", abstract: "Draft, submit and decide purchase orders.",
        subcommands: [
            Create.self, AddItem.self, RemoveItem.self, Submit.self, Approve.self, Reject.self, Cancel.self,
            Show.self,
        ])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Draft an order; --as is its requester.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var identity: CommandIdentity
        @Argument(help: "The order's number.") var number: String
        @Option(help: "The supplier's id.") var supplier: String
        @Option(help: "Expected delivery, YYYY-MM-DD.") var expected: String

        func run() async throws {
            try await options.send(
                .createPurchaseOrder(
                    CreatePurchaseOrderPayload(number: number, supplier: supplier, expectedDelivery: expected)),
                identity)
        }
    }

    struct AddItem: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-item", abstract: "Add a line to a draft order.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var identity: CommandIdentity
        @Argument(help: "The order's number.") var number: String
        @Argument(help: "The SKU.") var sku: String
        @Argument(help: "Units.") var quantity: Int
        @Argument(help: "Unit price in minor units (cents).") var unitPrice: Int

        func run() async throws {
            try await options.send(
                .addPurchaseOrderItem(
                    AddPurchaseOrderItemPayload(number: number, sku: sku, quantity: quantity, unitPrice: unitPrice)),
                identity)
        }
    }

    struct RemoveItem: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-item", abstract: "Remove a line from a draft order.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var identity: CommandIdentity
        @Argument(help: "The order's number.") var number: String
        @Argument(help: "The line number.") var line: Int

        func run() async throws {
            try await options.send(
                .removePurchaseOrderItem(RemovePurchaseOrderItemPayload(number: number, line: line)), identity)
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Submit a draft order for approval.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var identity: CommandIdentity
        @Argument(help: "The order's number.") var number: String

        func run() async throws {
            try await options.send(.submitPurchaseOrder(SubmitPurchaseOrderPayload(number: number)), identity)
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a submitted order (not its requester); its items become stock on order.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var identity: CommandIdentity
        @Argument(help: "The order's number.") var number: String

        func run() async throws {
            try await options.send(.approvePurchaseOrder(ApprovePurchaseOrderPayload(number: number)), identity)
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a submitted order.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var identity: CommandIdentity
        @Argument(help: "The order's number.") var number: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await options.send(
                .rejectPurchaseOrder(RejectPurchaseOrderPayload(number: number, reason: reason)), identity)
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel an order before goods arrive.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var identity: CommandIdentity
        @Argument(help: "The order's number.") var number: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await options.send(
                .cancelPurchaseOrder(CancelPurchaseOrderPayload(number: number, reason: reason)), identity)
        }
    }
}

struct Receive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record goods that arrived: LINE:QTY, or LINE:QTY:close to close the line short.")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var identity: CommandIdentity
    @Argument(help: "The order's number.") var number: String
    @Argument(help: "Lines received, LINE:QTY[:close].") var lines: [String]
    @Option(help: "Day they arrived, YYYY-MM-DD.") var on: String

    func run() async throws {
        var receipt: [ReceiptLinePayload] = []
        for text in lines {
            let parts = text.split(separator: ":").map(String.init)
            guard (2...3).contains(parts.count), let line = Int(parts[0]), let quantity = Int(parts[1]),
                parts.count == 2 || parts[2] == "close"
            else {
                throw fail(.badInput, "\(text): expected LINE:QTY or LINE:QTY:close")
            }
            receipt.append(ReceiptLinePayload(line: line, quantity: quantity, close: parts.count == 3))
        }
        try await options.send(
            .receiveGoods(ReceiveGoodsPayload(number: number, receivedOn: on, lines: receipt)), identity)
    }
}

struct InvoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice", abstract: "Register, approve, reject and show suppliers' invoices.",
        subcommands: [Register.self, Approve.self, Reject.self, Show.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an invoice, lines SKU:QTY:UNIT_PRICE; it is matched against its order at once.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var identity: CommandIdentity
        @Argument(help: "The supplier's id.") var supplier: String
        @Argument(help: "The supplier's invoice number.") var number: String
        @Argument(help: "Lines, SKU:QTY:UNIT_PRICE (minor units).") var lines: [String]
        @Option(help: "The purchase order it bills.") var po: String
        @Option(help: "Invoice date, YYYY-MM-DD.") var date: String
        @Option(help: "ISO 4217 currency of its prices.") var currency: String

        func run() async throws {
            var invoiced: [InvoiceLinePayload] = []
            for text in lines {
                let parts = text.split(separator: ":").map(String.init)
                guard parts.count == 3, let quantity = Int(parts[1]), let price = Int(parts[2]) else {
                    throw fail(.badInput, "\(text): expected SKU:QTY:UNIT_PRICE")
                }
                invoiced.append(InvoiceLinePayload(sku: parts[0], quantity: quantity, unitPrice: price))
            }
            try await options.send(
                .registerInvoice(
                    RegisterInvoicePayload(
                        supplier: supplier, number: number, purchaseOrder: po, invoiceDate: date, currency: currency,
                        lines: invoiced)),
                identity)
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a matched invoice (a mismatched one needs --override); schedules its payment.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var identity: CommandIdentity
        @Argument(help: "The supplier's id.") var supplier: String
        @Argument(help: "The invoice number.") var number: String
        @Option(name: .customLong("override"), help: "Why a mismatched invoice is approved anyway.")
        var overrideReason: String?

        func run() async throws {
            try await options.send(
                .approveInvoice(
                    ApproveInvoicePayload(supplier: supplier, number: number, overrideReason: overrideReason)),
                identity)
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject an invoice.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var identity: CommandIdentity
        @Argument(help: "The supplier's id.") var supplier: String
        @Argument(help: "The invoice number.") var number: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await options.send(
                .rejectInvoice(RejectInvoicePayload(supplier: supplier, number: number, reason: reason)), identity)
        }
    }
}

struct Pay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record a payment towards an approved invoice.")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var identity: CommandIdentity
    @Argument(help: "The supplier's id.") var supplier: String
    @Argument(help: "The invoice number.") var number: String
    @Argument(help: "Amount in minor units (cents).") var amount: Int
    @Argument(help: "ISO 4217 currency of the amount (the invoice's).") var currency: String
    @Option(help: "Day paid, YYYY-MM-DD (default: today, UTC).") var on: String?
    @Option(help: "The payment's reference, a bank transfer id (default: the command id).") var reference: String?

    func run() async throws {
        var identity = identity
        let commandID = identity.commandID ?? UUID().uuidString.lowercased()
        identity.commandID = commandID
        try await options.send(
            .recordPayment(
                RecordPaymentPayload(
                    supplier: supplier, number: number, amount: amount, currency: currency,
                    paidOn: on ?? Self.today(), reference: reference ?? commandID)),
            identity)
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
