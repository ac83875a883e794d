// The `payload` of each command request, as plain strings and integers named as on the wire.
// Plain so a client can send exactly what a user typed (the service validates); `command()` on
// `CommandPayload` turns them into validated Domain commands.

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
