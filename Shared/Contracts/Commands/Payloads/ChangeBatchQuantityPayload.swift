/// `ChangeBatchQuantity`: `{"ref", "qty"}`.
public struct ChangeBatchQuantityPayload: Hashable, Sendable, Codable {
    public var reference: String
    public var quantity: Int

    public init(reference: String, quantity: Int) {
        self.reference = reference
        self.quantity = quantity
    }

    enum CodingKeys: String, CodingKey {
        case reference = "ref", quantity = "qty"
    }

    public init(from decoder: any Decoder) throws { try self.init(WireObject(decoder)) }

    init(_ object: WireObject) throws(WireError) {
        reference = try object.string("ref")
        quantity = try object.quantity("qty")
    }
}
