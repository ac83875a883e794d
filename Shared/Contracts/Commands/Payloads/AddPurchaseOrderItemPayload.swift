/// `AddPurchaseOrderItem`: `unit_price` in minor units of the order's currency.
public struct AddPurchaseOrderItemPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.addPurchaseOrderItem

    public var number: String = ""
    public var sku: String = ""
    public var quantity: Int = 0
    public var unitPrice: Int = 0

    public init() {}

    public init(number: String, sku: String, quantity: Int, unitPrice: Int) {
        self.number = number
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.string("sku", &sku)
        try fields.quantity("qty", &quantity)
        try fields.integer("unit_price", &unitPrice)
    }
}
