/// One line of a customer's order: so many units of one SKU. A value object.
public struct OrderLine: Hashable, Sendable {
    public let orderID: OrderID
    public let sku: SKU
    public let quantity: Int

    public init(orderID: OrderID, sku: SKU, quantity: Int) throws(DomainError) {
        self.orderID = orderID
        self.sku = sku
        self.quantity = try Quantity.orderLine(quantity)
    }
}
