/// One line of a `ReceiveGoods`: units of an order line that arrived; `close` closes the line short.
public struct ReceiptLinePayload: WirePayload {
    public var line: Int = 0
    public var quantity: Int = 0
    public var close: Bool = false

    public init() {}

    public init(line: Int, quantity: Int, close: Bool) {
        self.line = line
        self.quantity = quantity
        self.close = close
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.integer("line", &line)
        try fields.quantity("qty", &quantity)
        try fields.flag("close", &close)
    }
}
