// The `payload` of each event as plain strings and integers. The read side builds projections from
// these alone and never imports the Domain, so these are the published facts, named as on the wire.
// Readers do not re-check the Domain's bounds: an event is a fact that already happened.

/// `BatchCreated`: `{"ref", "sku", "qty", "eta"}`; `eta` null for stock on hand.
public struct BatchCreatedPayload: Hashable, Sendable, Codable {
    public var reference: String
    public var sku: String
    public var quantity: Int
    public var eta: String?

    public init(reference: String, sku: String, quantity: Int, eta: String?) {
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
