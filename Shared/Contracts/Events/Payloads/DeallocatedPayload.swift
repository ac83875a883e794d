/// `Deallocated`: `{"orderid", "sku", "qty", "batchref", "reason"}`: the line no longer holds stock
/// of that batch. `reason` is `requested` (a `Deallocate` command) or `batch_quantity_reduced` (the
/// batch shrank; the service reallocates the line, so a later `Allocated` or `OutOfStock` follows).
/// Kept a string so a reader survives reasons added later.
public struct DeallocatedPayload: Hashable, Sendable, Codable {
    public var orderID: String
    public var sku: String
    public var quantity: Int
    public var batchReference: String
    public var reason: String

    public init(orderID: String, sku: String, quantity: Int, batchReference: String, reason: String) {
        self.orderID = orderID
        self.sku = sku
        self.quantity = quantity
        self.batchReference = batchReference
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "orderid", sku, quantity = "qty", batchReference = "batchref", reason
    }

    public init(from decoder: any Decoder) throws { try self.init(WireObject(decoder)) }

    init(_ object: WireObject) throws(WireError) {
        orderID = try object.string("orderid")
        sku = try object.string("sku")
        quantity = try object.quantity("qty")
        batchReference = try object.string("batchref")
        reason = try object.string("reason")
    }
}
