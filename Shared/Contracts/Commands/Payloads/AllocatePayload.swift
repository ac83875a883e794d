/// `Allocate`: an order line to give stock to.
public struct AllocatePayload: CommandPayloadProtocol {
    public static let commandType = CommandType.allocate

    public var orderID: String = ""
    public var sku: String = ""
    public var quantity: Int = 0

    public init() {}

    public init(orderID: String, sku: String, quantity: Int) {
        self.orderID = orderID
        self.sku = sku
        self.quantity = quantity
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("orderid", &orderID)
        try fields.string("sku", &sku)
        try fields.quantity("qty", &quantity)
    }
}
