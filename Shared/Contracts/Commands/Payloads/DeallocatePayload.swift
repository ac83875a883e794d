/// `Deallocate`: an order line whose stock to give back.
public struct DeallocatePayload: CommandPayloadProtocol {
    public static let commandType = CommandType.deallocate

    public var orderID: String = ""
    public var sku: String = ""

    public init() {}

    public init(orderID: String, sku: String) {
        self.orderID = orderID
        self.sku = sku
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("orderid", &orderID)
        try fields.string("sku", &sku)
    }
}
