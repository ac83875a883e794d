/// `CreatePurchaseOrder`: a draft order; its requester is the request's `issued_by`.
public struct CreatePurchaseOrderPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.createPurchaseOrder

    public var number: String = ""
    public var supplier: String = ""
    public var expectedDelivery: String = ""

    public init() {}

    public init(number: String, supplier: String, expectedDelivery: String) {
        self.number = number
        self.supplier = supplier
        self.expectedDelivery = expectedDelivery
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.string("supplier", &supplier)
        try fields.string("expected_delivery", &expectedDelivery)
    }
}
