/// `SubmitPurchaseOrder`: by the request's `issued_by`.
public struct SubmitPurchaseOrderPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.submitPurchaseOrder

    public var number: String = ""

    public init() {}

    public init(number: String) {
        self.number = number
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
    }
}
