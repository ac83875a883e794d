/// One line of an invoice: `unit_price` in minor units of the invoice's currency.
public struct InvoiceLinePayload: WirePayload {
    public var sku: String = ""
    public var quantity: Int = 0
    public var unitPrice: Int = 0

    public init() {}

    public init(sku: String, quantity: Int, unitPrice: Int) {
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("sku", &sku)
        try fields.quantity("qty", &quantity)
        try fields.integer("unit_price", &unitPrice)
    }
}
