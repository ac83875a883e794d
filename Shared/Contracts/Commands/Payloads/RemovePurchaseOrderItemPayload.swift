/// `RemovePurchaseOrderItem`: the line number `AddPurchaseOrderItem` answered.
public struct RemovePurchaseOrderItemPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.removePurchaseOrderItem

    public var number: String = ""
    public var line: Int = 0

    public init() {}

    public init(number: String, line: Int) {
        self.number = number
        self.line = line
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.integer("line", &line)
    }
}
