/// `GET /api/dashboard` and each message of `GET /events/stream`.
public struct DashboardView: Codable, Sendable, Equatable {
    public var sync: SyncView
    public var checkpoint: Int
    public var head: Int
    public var lag: Int
    public var totals: DashboardTotals
    public var skus: [SKUStock]
    public var batches: [BatchStock]
    /// The latest hour of event time that has events, one point per minute (zeros included).
    public var eventsPerMinute: [MinuteActivity]
    public var recentOutOfStock: [OutOfStockOccurrence]
    public var recentActivity: [ActivityItem]
}

/// Sums over the whole read model.
public struct DashboardTotals: Codable, Sendable, Equatable {
    public var skus: Int
    public var batches: Int
    public var purchased: Int
    public var allocated: Int
    public var available: Int
    public var allocations: Int
    public var outOfStock: Int
    public var events: Int

    public init(
        skus: Int, batches: Int, purchased: Int, allocated: Int, available: Int, allocations: Int, outOfStock: Int,
        events: Int
    ) {
        self.skus = skus
        self.batches = batches
        self.purchased = purchased
        self.allocated = allocated
        self.available = available
        self.allocations = allocations
        self.outOfStock = outOfStock
        self.events = events
    }
}
