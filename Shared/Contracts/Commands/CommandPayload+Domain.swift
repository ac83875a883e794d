import Domain

// Both directions between wire payloads and Domain commands. Into the Domain goes through its
// initialisers, so the wire accepts exactly what the model accepts.

extension CommandPayload {
    /// The validated Domain command; a format or bound error names the field.
    public func command() throws(DomainError) -> any Command {
        switch self {
        case .createBatch(let p):
            try CreateBatch(
                reference: BatchReference(p.reference), sku: SKU(p.sku), quantity: p.quantity,
                eta: p.eta.map { text throws(DomainError) in try Day(iso8601: text) })
        case .allocate(let p):
            try Allocate(orderID: OrderID(p.orderID), sku: SKU(p.sku), quantity: p.quantity)
        case .deallocate(let p):
            try Deallocate(orderID: OrderID(p.orderID), sku: SKU(p.sku))
        case .changeBatchQuantity(let p):
            try ChangeBatchQuantity(reference: BatchReference(p.reference), quantity: p.quantity)
        }
    }

    /// The wire form of a Domain command; throws for a command type Contracts does not know yet.
    public init(_ command: any Command) throws(UnmappedDomainType) {
        switch command {
        case let c as CreateBatch:
            self = .createBatch(
                CreateBatchPayload(
                    reference: c.reference.rawValue, sku: c.sku.rawValue, quantity: c.quantity,
                    eta: c.eta?.description))
        case let c as Allocate:
            self = .allocate(
                AllocatePayload(orderID: c.line.orderID.rawValue, sku: c.line.sku.rawValue, quantity: c.line.quantity))
        case let c as Deallocate:
            self = .deallocate(DeallocatePayload(orderID: c.orderID.rawValue, sku: c.sku.rawValue))
        case let c as ChangeBatchQuantity:
            self = .changeBatchQuantity(
                ChangeBatchQuantityPayload(reference: c.reference.rawValue, quantity: c.quantity))
        default:
            throw UnmappedDomainType(command)
        }
    }
}
