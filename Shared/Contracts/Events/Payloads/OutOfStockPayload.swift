/// `OutOfStock`: `{"sku", "orderid", "qty"}`: no batch could take the line; nothing was allocated.
public struct OutOfStockPayload: Hashable, Sendable, Codable {
    public var sku: String
    public var orderID: String
    public var quantity: Int

    public init(sku: String, orderID: String, quantity: Int) {
        self.sku = sku
        self.orderID = orderID
        self.quantity = quantity
    }

    enum CodingKeys: String, CodingKey {
        case sku, orderID = "orderid", quantity = "qty"
    }

    public init(from decoder: any Decoder) throws { try self.init(WireObject(decoder)) }

    init(_ object: WireObject) throws(WireError) {
        sku = try object.string("sku")
        orderID = try object.string("orderid")
        quantity = try object.quantity("qty")
    }
}
