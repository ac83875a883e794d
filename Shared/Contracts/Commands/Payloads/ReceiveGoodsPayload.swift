/// `ReceiveGoods`: one receipt of one or more order lines; `close` closes a line short.
public struct ReceiveGoodsPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.receiveGoods

    public var number: String = ""
    public var receivedOn: String = ""
    public var lines: [ReceiptLinePayload] = []

    public init() {}

    public init(number: String, receivedOn: String, lines: [ReceiptLinePayload]) {
        self.number = number
        self.receivedOn = receivedOn
        self.lines = lines
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("po", &number)
        try fields.string("received_on", &receivedOn)
        try fields.objects("lines", &lines)
    }
}
