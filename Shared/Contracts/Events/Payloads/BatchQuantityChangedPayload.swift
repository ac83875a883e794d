/// `BatchQuantityChanged`: `{"ref", "sku", "qty"}`; `qty` is the new purchased quantity.
public struct BatchQuantityChangedPayload: Hashable, Sendable, Codable {
    public var reference: String
    public var sku: String
    public var quantity: Int

    public init(reference: String, sku: String, quantity: Int) {
        self.reference = reference
        self.sku = sku
        self.quantity = quantity
    }

    enum CodingKeys: String, CodingKey {
        case reference = "ref", sku, quantity = "qty"
    }

    public init(from decoder: any Decoder) throws { try self.init(WireObject(decoder)) }

    init(_ object: WireObject) throws(WireError) {
        reference = try object.string("ref")
        sku = try object.string("sku")
        quantity = try object.quantity("qty")
    }
}
