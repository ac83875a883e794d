// What the HTTP API returns, as Codable values. Property names become snake_case JSON keys
// (see `APIJSON`), and docs/query-api.openapi.yaml describes each one.

/// One line of `GET /allocations/{orderid}`: the book's `[{"sku": …, "batchref": …}]`.
public struct AllocationView: Codable, Sendable, Equatable {
    public var sku: String
    public var batchref: String

    public init(sku: String, batchref: String) {
        self.sku = sku
        self.batchref = batchref
    }
}

/// Stock of one batch.
public struct BatchStock: Codable, Sendable, Equatable {
    public var ref: String
    public var sku: String
    public var eta: String?
    public var purchased: Int
    public var allocated: Int
    public var available: Int

    public init(ref: String, sku: String, eta: String?, purchased: Int, allocated: Int, available: Int) {
        self.ref = ref
        self.sku = sku
        self.eta = eta
        self.purchased = purchased
        self.allocated = allocated
        self.available = available
    }
}

/// Stock of one SKU, summed over its batches.
public struct SKUStock: Codable, Sendable, Equatable {
    public var sku: String
    public var batchCount: Int
    public var purchased: Int
    public var allocated: Int
    public var available: Int
    public var outOfStock: Int
}

/// `GET /stock/{sku}`: the SKU's totals and each of its batches.
public struct StockView: Codable, Sendable, Equatable {
    public var sku: String
    public var purchased: Int
    public var allocated: Int
    public var available: Int
    public var outOfStock: Int
    public var batches: [BatchStock]
}

/// One `OutOfStock` event.
public struct OutOfStockOccurrence: Codable, Sendable, Equatable {
    public var position: Int
    public var sku: String
    public var orderid: String
    public var qty: Int
    public var occurredAt: String
}

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

/// Where the read side stands, as shown by `/health` and the dashboard.
public struct SyncView: Codable, Sendable, Equatable {
    public var state: String
    public var healthy: Bool
    public var checkpoint: Int
    public var head: Int
    public var lag: Int
    public var applyRate: Double
    public var problem: String?
    public var liveEventsApplied: Int
    public var replayedEventsApplied: Int
    public var duplicatesDiscarded: Int
    public var gapsDetected: Int
    public var reconnects: Int
    public var applyFailures: Int
}

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
