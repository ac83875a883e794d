import ArgumentParser
import Contracts
import Foundation

// The four write commands. Each builds a request from the documented payload, sends it, and says
// what happened; the exit code tells scripts apart done, rejected, bad input and unavailable.

struct AddBatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-batch", abstract: "Add a batch of stock: warehouse stock, or a shipment due on --eta.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var identity: CommandIdentity
    @Argument(help: "The batch's reference, unique across all SKUs.") var reference: String
    @Argument(help: "The SKU.") var sku: String
    @Argument(help: "Units purchased.") var quantity: Int
    @Option(help: "Day the shipment is due, YYYY-MM-DD; omit for stock in the warehouse.") var eta: String?

    func run() async throws {
        try await options.send(
            .createBatch(CreateBatchPayload(reference: reference, sku: sku, quantity: quantity, eta: eta)), identity)
    }
}

struct Allocate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Allocate an order line to the best batch.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var identity: CommandIdentity
    @Argument(help: "The order.") var orderID: String
    @Argument(help: "The SKU.") var sku: String
    @Argument(help: "Units wanted.") var quantity: Int

    func run() async throws {
        try await options.send(.allocate(AllocatePayload(orderID: orderID, sku: sku, quantity: quantity)), identity)
    }
}

struct Deallocate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Give back the stock an order line holds.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var identity: CommandIdentity
    @Argument(help: "The order.") var orderID: String
    @Argument(help: "The SKU.") var sku: String

    func run() async throws {
        try await options.send(.deallocate(DeallocatePayload(orderID: orderID, sku: sku)), identity)
    }
}

struct ChangeQuantity: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "change-quantity",
        abstract: "Change a batch's purchased quantity; lines that no longer fit are reallocated.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var identity: CommandIdentity
    @Argument(help: "The batch's reference.") var reference: String
    @Argument(help: "The new purchased quantity.") var quantity: Int

    func run() async throws {
        try await options.send(
            .changeBatchQuantity(ChangeBatchQuantityPayload(reference: reference, quantity: quantity)), identity)
    }
}

/// The command id a write uses (a new one by default, or the caller's, to retry safely), and who
/// issues it.
struct CommandIdentity: ParsableArguments {
    @Option(help: "Command id (default: a new UUID). Reuse it to retry: the command is applied at most once.")
    var commandID: String?

    @Option(
        name: .customLong("as"),
        help: "Who issues the command (env COSMIC_PRINCIPAL); procurement's decisions need one.")
    var principal: String?

    var issuedBy: String? { EnvironmentSettings().text(principal, "COSMIC_PRINCIPAL") }
}

extension GlobalOptions {
    func send(_ payload: CommandPayload, _ identity: CommandIdentity) async throws {
        let request = CommandRequest(
            commandID: identity.commandID ?? UUID().uuidString.lowercased(), payload: payload,
            issuedBy: identity.issuedBy)
        let reply = try await CommandClient(
            endpoint: commands, timeout: wait, security: security(as: identity.issuedBy)
        )
        .send(request)
        if json {
            Output.json(CommandCodec.encode(reply))
        }
        if let error = reply.error {
            let outcome: Outcome = error.retryable ? .unavailable : reply.status == .rejected ? .rejected : .badInput
            let field = error.field.map { " [\($0)]" } ?? ""
            throw fail(outcome, "\(reply.status.rawValue): \(error.message)\(field) (\(error.code.rawValue))")
        }
        guard !json, let result = reply.result else { return }
        let position = reply.position.map { " at position \($0)" } ?? ""
        switch result.outcome {
        case .batchCreated: print("batch created\(position)")
        case .allocated: print("allocated to batch \(result.batchReference ?? "?")\(position)")
        case .outOfStock: print("out of stock: nothing allocated\(position)")
        case .deallocated: print("deallocated\(position)")
        case .quantityChanged: print("quantity changed\(position)")
        case .itemAdded: print("item added as line \(result.line.map(String.init) ?? "?")\(position)")
        case .invoiceRegistered: print("invoice registered: \(result.match ?? "?")\(position)")
        default: print("\(result.outcome.rawValue.replacingOccurrences(of: "_", with: " "))\(position)")
        }
    }
}
