/// `GET /stock/{sku}`: the SKU's totals and each of its batches.
public struct StockView: Codable, Sendable, Equatable {
    public var sku: String
    public var purchased: Int
    public var allocated: Int
    public var available: Int
    public var outOfStock: Int
    public var batches: [BatchStock]
}

/// Stock of one SKU, summed over its batches.
public struct SKUStock: Codable, Sendable, Equatable {
    public var sku: String
    public var batchCount: Int
    public var purchased: Int
    public var allocated: Int
    public var available: Int
    public var outOfStock: Int
}

/// Stock of one batch.
public struct BatchStock: Codable, Sendable, Equatable {
    public var ref: String
    public var sku: String
    public var eta: String?
    public var purchased: Int
    public var allocated: Int
    public var available: Int

    public init(ref: String, sku: String, eta: String?, purchased: Int, allocated: Int, available: Int) {
        self.ref = ref
        self.sku = sku
        self.eta = eta
        self.purchased = purchased
        self.allocated = allocated
        self.available = available
    }

    enum CodingKeys: String, CodingKey { case ref, sku, eta, purchased, allocated, available }

    /// `eta` is always there, null for stock in the warehouse: the schema requires it (a synthesized
    /// encoder would leave a nil out).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ref, forKey: .ref)
        try container.encode(sku, forKey: .sku)
        try container.encode(eta, forKey: .eta)
        try container.encode(purchased, forKey: .purchased)
        try container.encode(allocated, forKey: .allocated)
        try container.encode(available, forKey: .available)
    }
}
