/// `Allocate`: `{"orderid", "sku", "qty"}`.
public struct AllocatePayload: Hashable, Sendable, Codable {
    public var orderID: String
    public var sku: String
    public var quantity: Int

    public init(orderID: String, sku: String, quantity: Int) {
        self.orderID = orderID
        self.sku = sku
        self.quantity = quantity
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "orderid", sku, quantity = "qty"
    }

    public init(from decoder: any Decoder) throws { try self.init(WireObject(decoder)) }

    init(_ object: WireObject) throws(WireError) {
        orderID = try object.string("orderid")
        sku = try object.string("sku")
        quantity = try object.quantity("qty")
    }
}
