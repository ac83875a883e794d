/// One line of a supplier's invoice: units of a SKU billed at a unit price.
public struct InvoiceLine: Hashable, Sendable {
    public let sku: SKU
    public let quantity: Int
    public let unitPrice: Money

    public init(sku: SKU, quantity: Int, unitPrice: Money) throws(DomainError) {
        self.sku = sku
        self.quantity = try Quantity.orderLine(quantity)
        self.unitPrice = unitPrice
    }

    /// Checked against the bound when the invoice was registered.
    public var amount: Money { try! unitPrice.times(quantity) }
}

/// Why an invoice line does not match its order and what was received.
public enum Discrepancy: Hashable, Sendable {
    /// The order has no line of this SKU.
    case notOrdered(SKU)
    /// More units billed than were received and not yet billed by another approved invoice.
    case quantityNotReceived(SKU, invoiced: Int, receivable: Int)
    /// The unit price differs from the order's by more than the tolerance.
    case priceDiffers(SKU, invoiced: Money, ordered: Money)

    public var sku: SKU {
        switch self {
        case .notOrdered(let sku), .quantityNotReceived(let sku, _, _), .priceDiffers(let sku, _, _): sku
        }
    }
}
