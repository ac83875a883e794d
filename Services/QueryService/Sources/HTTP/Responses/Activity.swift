/// One entry of the recent-activity feed.
public struct ActivityItem: Codable, Sendable, Equatable {
    public var position: Int
    public var occurredAt: String
    public var type: String
    public var sku: String
    public var orderid: String?
    public var batchref: String?
    public var qty: Int?
    public var detail: String?
}

/// Events of one minute (of event time), by type: a point of the activity chart.
public struct MinuteActivity: Codable, Sendable, Equatable {
    public var minute: String
    public var total: Int
    public var batchCreated: Int
    public var allocated: Int
    public var deallocated: Int
    public var outOfStock: Int
    public var batchQuantityChanged: Int
    public var unitsAllocated: Int
}
