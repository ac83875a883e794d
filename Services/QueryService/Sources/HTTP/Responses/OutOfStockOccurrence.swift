/// One `OutOfStock` event.
public struct OutOfStockOccurrence: Codable, Sendable, Equatable {
    public var position: Int
    public var sku: String
    public var orderid: String
    public var qty: Int
    public var occurredAt: String
}
