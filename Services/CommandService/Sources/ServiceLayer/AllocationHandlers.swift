import Domain

/// The allocation context's use cases: each loads what it needs, asks the aggregate, and saves it.
/// They never commit: the message bus commits a command and all it caused at once.
public enum AllocationHandlers {
    public static func register(in handlers: inout Handlers) {
        handlers.on(CreateBatch.self, addBatch)
        handlers.on(Allocate.self, allocate)
        handlers.on(Deallocate.self, deallocate)
        handlers.on(ChangeBatchQuantity.self, changeBatchQuantity)
        handlers.on(RecordBatchArrival.self, recordBatchArrival)
        handlers.on(Deallocated.self, reallocate)
    }

    @Sendable static func addBatch(_ command: CreateBatch, _ uow: any UnitOfWork) async throws -> CommandOutcome {
        if try await uow.products.get(batch: command.reference, reducingTo: nil) != nil {
            throw DomainError.duplicateBatch(command.reference)
        }
        var product: Product
        if let existing = try await uow.products.get(command.sku, withLinesOf: nil) {
            product = existing
        } else {
            product = Product(sku: command.sku)
            try await uow.products.add(product)
        }
        try product.addBatch(
            Batch(reference: command.reference, sku: command.sku, quantity: command.quantity, eta: command.eta))
        try await uow.products.save(product)
        return .batchCreated
    }

    @Sendable static func allocate(_ command: Allocate, _ uow: any UnitOfWork) async throws -> CommandOutcome {
        let line = command.line
        guard var product = try await uow.products.get(line.sku, withLinesOf: line.orderID) else {
            throw DomainError.unknownSKU(line.sku)
        }
        let reference = try product.allocate(line)
        try await uow.products.save(product)
        return reference.map(CommandOutcome.allocated) ?? .outOfStock
    }

    @Sendable static func deallocate(_ command: Deallocate, _ uow: any UnitOfWork) async throws -> CommandOutcome {
        guard var product = try await uow.products.get(command.sku, withLinesOf: command.orderID) else {
            throw DomainError.unknownSKU(command.sku)
        }
        try product.deallocate(command.orderID)
        try await uow.products.save(product)
        return .deallocated
    }

    @Sendable static func changeBatchQuantity(_ command: ChangeBatchQuantity, _ uow: any UnitOfWork) async throws
        -> CommandOutcome
    {
        guard var product = try await uow.products.get(batch: command.reference, reducingTo: command.quantity) else {
            throw DomainError.unknownBatch(command.reference)
        }
        try product.changeBatchQuantity(command.reference, to: command.quantity)
        try await uow.products.save(product)
        return .quantityChanged
    }

    @Sendable static func recordBatchArrival(_ command: RecordBatchArrival, _ uow: any UnitOfWork) async throws
        -> CommandOutcome
    {
        guard var product = try await uow.products.get(batch: command.reference, reducingTo: nil) else {
            throw DomainError.unknownBatch(command.reference)
        }
        try product.recordArrival(of: command.reference)
        try await uow.products.save(product)
        return .batchArrived
    }

    /// A line released by a shrinking batch goes to the next best batch (or runs out of stock).
    @Sendable static func reallocate(_ event: Deallocated, _ uow: any UnitOfWork) async throws {
        guard event.reason == .batchQuantityReduced else { return }
        _ = try await allocate(Allocate(line: event.line), uow)
    }
}
