/// Stock of one SKU that arrived (warehouse stock, no `eta`) or will arrive on a given day.
///
/// A batch keeps its allocated total as a number, so the rules never depend on how many of its
/// order lines a unit of work loaded: allocating one line on a SKU with 100,000 allocations must not
/// read them all. `allocations` holds the lines this copy knows of, oldest first — every line when
/// built from scratch, or those the current command concerns when loaded by a repository.
public struct Batch: Hashable, Sendable {
    public let reference: BatchReference
    public let sku: SKU
    public internal(set) var eta: Day?
    public private(set) var purchasedQuantity: Int
    public private(set) var allocatedQuantity: Int
    public private(set) var allocations: [OrderLine]

    /// A new batch, nothing allocated yet.
    public init(reference: BatchReference, sku: SKU, quantity: Int, eta: Day? = nil) throws(DomainError) {
        self.reference = reference
        self.sku = sku
        self.eta = eta
        self.purchasedQuantity = try Quantity.batch(quantity)
        self.allocatedQuantity = 0
        self.allocations = []
    }

    /// A batch as a repository stored it. `allocatedQuantity` is the total over all its lines, of
    /// which `knownAllocations` may be a part.
    public init(
        reference: BatchReference, sku: SKU, eta: Day?, purchasedQuantity: Int, allocatedQuantity: Int,
        knownAllocations: [OrderLine]
    ) {
        precondition(knownAllocations.reduce(0) { $0 + $1.quantity } <= allocatedQuantity)
        self.reference = reference
        self.sku = sku
        self.eta = eta
        self.purchasedQuantity = purchasedQuantity
        self.allocatedQuantity = allocatedQuantity
        self.allocations = knownAllocations
    }

    public var availableQuantity: Int { purchasedQuantity - allocatedQuantity }

    /// Same SKU, and enough left. (Whether the line is allocated already is a separate question.)
    public func canAllocate(_ line: OrderLine) -> Bool {
        line.sku == sku && availableQuantity >= line.quantity
    }

    /// The line of `orderID` allocated to this batch, if this copy knows of one.
    public func allocation(of orderID: OrderID) -> OrderLine? {
        allocations.first { $0.orderID == orderID }
    }

    /// Allocates `line` if it fits; allocating a line that is already here changes nothing.
    public mutating func allocate(_ line: OrderLine) {
        guard canAllocate(line), !allocations.contains(line) else { return }
        allocations.append(line)
        allocatedQuantity += line.quantity
    }

    /// Removes the line of `orderID`; returns it, or nil when it was not allocated here.
    @discardableResult
    public mutating func deallocate(_ orderID: OrderID) -> OrderLine? {
        guard let index = allocations.firstIndex(where: { $0.orderID == orderID }) else { return nil }
        let line = allocations.remove(at: index)
        allocatedQuantity -= line.quantity
        return line
    }

    /// Sets the purchased quantity. When it falls below what is allocated, the most recently
    /// allocated lines are released until the rest fits (older orders keep their stock); the
    /// released lines are returned, first released first.
    mutating func changePurchasedQuantity(to quantity: Int) -> [OrderLine] {
        purchasedQuantity = quantity
        var released: [OrderLine] = []
        while availableQuantity < 0, let line = allocations.popLast() {
            allocatedQuantity -= line.quantity
            released.append(line)
        }
        precondition(availableQuantity >= 0, "a repository must load enough lines to cover a reduction")
        return released
    }

    /// Warehouse stock (no eta) first, then the earliest eta; the reference breaks ties so that the
    /// choice never depends on load order.
    static func isPreferred(_ lhs: Batch, over rhs: Batch) -> Bool {
        switch (lhs.eta, rhs.eta) {
        case (nil, nil): lhs.reference < rhs.reference
        case (nil, _?): true
        case (_?, nil): false
        case (let left?, let right?): left == right ? lhs.reference < rhs.reference : left < right
        }
    }
}
