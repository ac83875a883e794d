/// One line of a purchase order: so many units of a SKU at a unit price, and what has arrived.
public struct PurchaseOrderItem: Hashable, Sendable {
    public let line: Int
    public let sku: SKU
    public let quantity: Int
    public let unitPrice: Money
    /// Units received so far, over every receipt.
    public internal(set) var received: Int
    /// Closed short: no more is expected although less than ordered arrived.
    public internal(set) var closedShort: Bool
    /// Units billed by approved invoices, so two invoices never pay for the same goods.
    public internal(set) var invoiced: Int

    public init(
        line: Int, sku: SKU, quantity: Int, unitPrice: Money, received: Int = 0, closedShort: Bool = false,
        invoiced: Int = 0
    ) {
        self.line = line
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.received = received
        self.closedShort = closedShort
        self.invoiced = invoiced
    }

    /// The line's value: quantity × unit price (checked when the item was added).
    public var amount: Money { try! unitPrice.times(quantity) }

    /// Units still expected.
    public var outstanding: Int { closedShort ? 0 : quantity - received }

    /// Nothing more is expected: all arrived, or the line was closed short.
    public var isComplete: Bool { outstanding == 0 }

    /// Units received and not yet billed by an approved invoice.
    public var receivedNotInvoiced: Int { received - invoiced }
}
