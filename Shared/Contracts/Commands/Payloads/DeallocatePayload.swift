/// `Deallocate`: `{"orderid", "sku"}`.
public struct DeallocatePayload: Hashable, Sendable, Codable {
    public var orderID: String
    public var sku: String

    public init(orderID: String, sku: String) {
        self.orderID = orderID
        self.sku = sku
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "orderid", sku
    }

    public init(from decoder: any Decoder) throws { try self.init(WireObject(decoder)) }

    init(_ object: WireObject) throws(WireError) {
        orderID = try object.string("orderid")
        sku = try object.string("sku")
    }
}
