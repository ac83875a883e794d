import Domain

/// An item of a purchase order, as `PurchaseOrderApproved` and `PurchaseOrderCancelled` list them.
public struct OrderItemPayload: WirePayload {
    public var line: Int = 0
    public var sku: String = ""
    public var quantity: Int = 0
    public var unitPrice: Int = 0

    public init() {}

    public init(line: Int, sku: String, quantity: Int, unitPrice: Int) {
        self.line = line
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.integer("line", &line)
        try fields.string("sku", &sku)
        try fields.quantity("qty", &quantity)
        try fields.integer("unit_price", &unitPrice)
    }
}

extension OrderItemPayload {
    /// The wire form of one of the Domain's order items.
    init(_ item: PurchaseOrderItem) {
        self.init(
            line: item.line, sku: item.sku.rawValue, quantity: item.quantity, unitPrice: item.unitPrice.minorUnits)
    }
}
