/// `CreateBatch`: `{"ref", "sku", "qty", "eta"}`; `eta` is `YYYY-MM-DD`, or null for stock on hand.
public struct CreateBatchPayload: Hashable, Sendable, Codable {
    public var reference: String
    public var sku: String
    public var quantity: Int
    public var eta: String?

    public init(reference: String, sku: String, quantity: Int, eta: String? = nil) {
        self.reference = reference
        self.sku = sku
        self.quantity = quantity
        self.eta = eta
    }

    enum CodingKeys: String, CodingKey {
        case reference = "ref", sku, quantity = "qty", eta
    }

    public init(from decoder: any Decoder) throws { try self.init(WireObject(decoder)) }

    init(_ object: WireObject) throws(WireError) {
        reference = try object.string("ref")
        sku = try object.string("sku")
        quantity = try object.quantity("qty")
        eta = try object.optionalString("eta")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reference, forKey: .reference)
        try container.encode(sku, forKey: .sku)
        try container.encode(quantity, forKey: .quantity)
        try container.encode(eta, forKey: .eta)
    }
}
