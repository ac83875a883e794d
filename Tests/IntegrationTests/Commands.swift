import CommandService
import Contracts
import Domain

/// Command envelopes as the command socket builds them, fingerprinted by their canonical request.
enum Make {
    static func envelope(_ command: any Command, id: String) -> CommandEnvelope {
        let request = try! CommandRequest(commandID: id, command: command)
        return CommandEnvelope(id: id, fingerprint: request.fingerprint, command: command)
    }

    static func createBatch(_ reference: String, _ sku: String, _ quantity: Int, eta: String? = nil, id: String? = nil)
        -> CommandEnvelope
    {
        envelope(
            try! CreateBatch(
                reference: BatchReference(reference), sku: SKU(sku), quantity: quantity,
                eta: eta.map { try! Day(iso8601: $0) }), id: id ?? "create-\(reference)")
    }

    static func allocate(_ order: String, _ sku: String, _ quantity: Int, id: String? = nil) -> CommandEnvelope {
        envelope(
            try! Allocate(orderID: OrderID(order), sku: SKU(sku), quantity: quantity),
            id: id ?? "allocate-\(order)-\(sku)")
    }

    static func deallocate(_ order: String, _ sku: String, id: String? = nil) -> CommandEnvelope {
        envelope(Deallocate(orderID: try! OrderID(order), sku: try! SKU(sku)), id: id ?? "deallocate-\(order)-\(sku)")
    }

    static func changeQuantity(_ reference: String, _ quantity: Int, id: String? = nil) -> CommandEnvelope {
        envelope(
            try! ChangeBatchQuantity(reference: BatchReference(reference), quantity: quantity),
            id: id ?? "change-\(reference)-\(quantity)")
    }
}
