/// A line of `GoodsReceived`: `qty` arrived now, `received` so far of `ordered`; `complete` when nothing more is expected.
public struct ReceivedLinePayload: WirePayload {
    public var line: Int = 0
    public var sku: String = ""
    public var quantity: Int = 0
    public var received: Int = 0
    public var ordered: Int = 0
    public var closedShort: Bool = false
    public var complete: Bool = false

    public init() {}

    public init(line: Int, sku: String, quantity: Int, received: Int, ordered: Int, closedShort: Bool, complete: Bool) {
        self.line = line
        self.sku = sku
        self.quantity = quantity
        self.received = received
        self.ordered = ordered
        self.closedShort = closedShort
        self.complete = complete
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.integer("line", &line)
        try fields.string("sku", &sku)
        try fields.quantity("qty", &quantity)
        try fields.integer("received", &received)
        try fields.integer("ordered", &ordered)
        try fields.flag("closed_short", &closedShort)
        try fields.flag("complete", &complete)
    }
}
