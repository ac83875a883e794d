/// `ChangeBatchQuantity`: a batch's new purchased quantity.
public struct ChangeBatchQuantityPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.changeBatchQuantity

    public var reference: String = ""
    public var quantity: Int = 0

    public init() {}

    public init(reference: String, quantity: Int) {
        self.reference = reference
        self.quantity = quantity
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("ref", &reference)
        try fields.quantity("qty", &quantity)
    }
}
