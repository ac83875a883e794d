/// The aggregate: every batch of one SKU, changed only as a whole.
///
/// `Product` is the consistency boundary of allocation. Its rules — a line never takes more than a
/// batch has available, a line is allocated at most once — hold because every change goes through
/// it, and because `version` lets the repository refuse a save made from a stale copy (optimistic
/// concurrency). Each change that alters state raises events and increments `version`.
///
/// A repository may load only the allocations a command concerns (see `Batch`): to allocate or
/// deallocate an order's line, that order's lines; to change a batch's quantity, enough of that
/// batch's most recent lines to cover the reduction.
public struct Product: Sendable {
    public let sku: SKU
    public private(set) var version: Int
    public private(set) var batches: [Batch]
    /// Raised since the unit of work loaded this product, oldest first; the unit of work collects them.
    public private(set) var events: [any ProductEvent] = []

    public init(sku: SKU, batches: [Batch] = [], version: Int = 0) {
        self.sku = sku
        self.batches = batches
        self.version = version
    }

    /// Adds a new batch of this product's SKU. Batch references are unique across products; the
    /// service layer checks that before, and the database again at commit.
    public mutating func addBatch(_ batch: Batch) throws(DomainError) {
        guard batch.sku == sku else { throw .skuMismatch(expected: sku, got: batch.sku) }
        guard self.batch(batch.reference) == nil else { throw .duplicateBatch(batch.reference) }
        batches.append(batch)
        version += 1
        events.append(
            BatchCreated(reference: batch.reference, sku: sku, quantity: batch.purchasedQuantity, eta: batch.eta))
    }

    /// Allocates `line` to the preferred batch that can take it and returns that batch's reference.
    ///
    /// - Allocating a line the order already holds changes nothing and returns the same batch.
    /// - When no batch can take it, nothing changes, `OutOfStock` is raised and the result is nil.
    @discardableResult
    public mutating func allocate(_ line: OrderLine) throws(DomainError) -> BatchReference? {
        guard line.sku == sku else { throw .skuMismatch(expected: sku, got: line.sku) }
        if let (index, held) = allocation(of: line.orderID) {
            guard held == line else {
                throw .conflictingOrderLine(line.orderID, sku, allocated: held.quantity, requested: line.quantity)
            }
            return batches[index].reference
        }
        let candidates = batches.indices
            .filter { batches[$0].canAllocate(line) }
            .sorted { Batch.isPreferred(batches[$0], over: batches[$1]) }
        guard let chosen = candidates.first else {
            events.append(OutOfStock(sku: sku, orderID: line.orderID, quantity: line.quantity))
            return nil
        }
        batches[chosen].allocate(line)
        version += 1
        let reference = batches[chosen].reference
        events.append(Allocated(line: line, batchReference: reference))
        return reference
    }

    /// Releases the order's line of this SKU and returns it.
    @discardableResult
    public mutating func deallocate(_ orderID: OrderID) throws(DomainError) -> OrderLine {
        guard let (index, _) = allocation(of: orderID), let line = batches[index].deallocate(orderID) else {
            throw .lineNotAllocated(orderID, sku)
        }
        version += 1
        events.append(Deallocated(line: line, batchReference: batches[index].reference, reason: .requested))
        return line
    }

    /// Sets a batch's purchased quantity. Lines that no longer fit are released, newest first, each
    /// raising `Deallocated` (the service layer reallocates them).
    public mutating func changeBatchQuantity(_ reference: BatchReference, to quantity: Int) throws(DomainError) {
        guard let index = batches.firstIndex(where: { $0.reference == reference }) else {
            throw .unknownBatch(reference)
        }
        let quantity = try Quantity.batch(quantity)
        let released = batches[index].changePurchasedQuantity(to: quantity)
        version += 1
        events.append(BatchQuantityChanged(reference: reference, sku: sku, quantity: quantity))
        for line in released {
            events.append(Deallocated(line: line, batchReference: reference, reason: .batchQuantityReduced))
        }
    }

    /// The batch's stock arrived: it becomes warehouse stock, which allocation prefers from now on.
    /// A batch that is warehouse stock already stays as it is (no event).
    public mutating func recordArrival(of reference: BatchReference) throws(DomainError) {
        guard let index = batches.firstIndex(where: { $0.reference == reference }) else {
            throw .unknownBatch(reference)
        }
        guard batches[index].eta != nil else { return }
        batches[index].eta = nil
        version += 1
        events.append(BatchArrived(reference: reference, sku: sku))
    }

    /// The batch with this reference, if it belongs to this product.
    public func batch(_ reference: BatchReference) -> Batch? {
        batches.first { $0.reference == reference }
    }

    /// Hands the raised events to the caller (the unit of work) and forgets them.
    public mutating func takeEvents() -> [any ProductEvent] {
        defer { events = [] }
        return events
    }

    /// Where the order's line of this SKU is allocated: the batch's index and the line.
    private func allocation(of orderID: OrderID) -> (Int, OrderLine)? {
        for (index, batch) in batches.enumerated() {
            if let line = batch.allocation(of: orderID) { return (index, line) }
        }
        return nil
    }
}
