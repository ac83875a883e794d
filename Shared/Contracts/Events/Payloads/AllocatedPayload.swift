/// `Allocated`: `{"orderid", "sku", "qty", "batchref"}`.
public struct AllocatedPayload: Hashable, Sendable, Codable {
    public var orderID: String
    public var sku: String
    public var quantity: Int
    public var batchReference: String

    public init(orderID: String, sku: String, quantity: Int, batchReference: String) {
        self.orderID = orderID
        self.sku = sku
        self.quantity = quantity
        self.batchReference = batchReference
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "orderid", sku, quantity = "qty", batchReference = "batchref"
    }

    public init(from decoder: any Decoder) throws { try self.init(WireObject(decoder)) }

    init(_ object: WireObject) throws(WireError) {
        orderID = try object.string("orderid")
        sku = try object.string("sku")
        quantity = try object.quantity("qty")
        batchReference = try object.string("batchref")
    }
}
