import Domain

extension EventPayload {
    /// The wire form of a Domain event. Throws for an event type Contracts does not know yet, so a
    /// new Domain event cannot be published by accident in a shape nobody documented.
    public init(_ event: any Event) throws(UnmappedDomainType) {
        switch event {
        case let e as BatchCreated:
            self = .batchCreated(
                BatchCreatedPayload(
                    reference: e.reference.rawValue, sku: e.sku.rawValue, quantity: e.quantity,
                    eta: e.eta?.description))
        case let e as Allocated:
            self = .allocated(
                AllocatedPayload(
                    orderID: e.orderID.rawValue, sku: e.sku.rawValue, quantity: e.quantity,
                    batchReference: e.batchReference.rawValue))
        case let e as Deallocated:
            self = .deallocated(
                DeallocatedPayload(
                    orderID: e.orderID.rawValue, sku: e.sku.rawValue, quantity: e.quantity,
                    batchReference: e.batchReference.rawValue, reason: e.reason.rawValue))
        case let e as OutOfStock:
            self = .outOfStock(
                OutOfStockPayload(sku: e.sku.rawValue, orderID: e.orderID.rawValue, quantity: e.quantity))
        case let e as BatchQuantityChanged:
            self = .batchQuantityChanged(
                BatchQuantityChangedPayload(reference: e.reference.rawValue, sku: e.sku.rawValue, quantity: e.quantity))
        default:
            throw UnmappedDomainType(event)
        }
    }
}
