/// `RejectPurchaseOrder`: by the request's `issued_by`, with a reason.
public struct RejectPurchaseOrderPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.rejectPurchaseOrder

    public var number: String = ""
    public var reason: String = ""

    public init() {}

    public init(number: String, reason: String) {
        self.number = number
        self.reason = reason
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.string("reason", &reason)
    }
}
