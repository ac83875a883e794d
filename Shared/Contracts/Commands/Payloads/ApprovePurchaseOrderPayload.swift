/// `ApprovePurchaseOrder`: by the request's `issued_by`, who must not be the requester.
public struct ApprovePurchaseOrderPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.approvePurchaseOrder

    public var number: String = ""

    public init() {}

    public init(number: String) {
        self.number = number
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
    }
}
