import Foundation
import GRDB

/// The queries behind the HTTP API. Each runs on one WAL snapshot, so what it returns is the state
/// as of exactly one checkpoint (returned beside it).
public struct ReadModel: Sendable {
    let store: ProjectionStore
    /// Longest lists the dashboard carries; the JSON stays small however large the model grows.
    static let dashboardListLimit = 200

    public init(store: ProjectionStore) { self.store = store }

    /// The book's allocations view for one order; empty when the order holds nothing.
    public func allocations(orderid: String) async throws -> (checkpoint: Int, lines: [AllocationView]) {
        try await store.read { db in try Self.allocations(db, orderid: orderid) }
    }

    /// ``allocations(orderid:)`` on the caller's thread, for the event loop's fast path
    /// (``EventLoopAnswer``): each line's UTF-8 bytes go to `line` (which returns false to stop),
    /// and the checkpoint they are as of is returned, or nil when the order has no lines (the
    /// router's 404 says as of which checkpoint). See ``LookupConnection``.
    func allocations(
        orderid: UnsafeRawBufferPointer,
        _ line: (_ sku: UnsafeRawBufferPointer, _ batchref: UnsafeRawBufferPointer) -> Bool
    ) throws -> Int? {
        try store.lookups.with { connection, version in
            try connection.allocations(version: version, orderid: orderid, line)
        }
    }

    private static func allocations(_ db: Database, orderid: String) throws -> (
        checkpoint: Int, lines: [AllocationView]
    ) {
        // Prepared once per reader connection: preparing (parse, GRDB's authorizer, the region)
        // cost more than the lookup itself (scripts/bench/read, perf).
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT sku, batchref FROM allocations WHERE orderid = ? ORDER BY sku"),
            arguments: [orderid])
        return (
            try ProjectionStore.checkpoint(db),
            rows.map { AllocationView(sku: $0["sku"], batchref: $0["batchref"]) }
        )
    }

    /// The SKU's stock and batches; nil when no event ever mentioned a batch of it.
    public func stock(sku: String) async throws -> (checkpoint: Int, stock: StockView?) {
        try await store.read { db in
            let checkpoint = try ProjectionStore.checkpoint(db)
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM skus WHERE sku = ?"), arguments: [sku])
            else {
                return (checkpoint, nil)
            }
            let batches = try Self.batches(db, where: "WHERE sku = ?", [sku], limit: nil)
            let purchased: Int = row["purchased"]
            let allocated: Int = row["allocated"]
            return (
                checkpoint,
                StockView(
                    sku: sku, purchased: purchased, allocated: allocated, available: purchased - allocated,
                    outOfStock: row["out_of_stock"], batches: batches)
            )
        }
    }

    /// Everything the dashboard shows except the sync state, which the caller adds.
    public func dashboard() async throws -> (checkpoint: Int, body: DashboardBody) {
        try await store.read { db in
            let limit = Self.dashboardListLimit
            let skus = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM skus ORDER BY sku LIMIT ?"), arguments: [limit]
            ).map {
                row -> SKUStock in
                let purchased: Int = row["purchased"]
                let allocated: Int = row["allocated"]
                return SKUStock(
                    sku: row["sku"], batchCount: row["batches"], purchased: purchased, allocated: allocated,
                    available: purchased - allocated, outOfStock: row["out_of_stock"])
            }
            // Counts over what grows with traffic come from `totals`; SKUs and batches are a
            // catalogue (thousands of rows), cheap to add up per request.
            let totalsRow = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COUNT(*) FROM skus) AS skus,
                           (SELECT COUNT(*) FROM batches) AS batches,
                           (SELECT COALESCE(SUM(purchased), 0) FROM batches) AS purchased,
                           (SELECT COALESCE(SUM(allocated), 0) FROM batches) AS allocated,
                           COALESCE((SELECT allocations FROM totals WHERE id = 1), 0) AS allocations,
                           COALESCE((SELECT out_of_stock FROM totals WHERE id = 1), 0) AS out_of_stock,
                           COALESCE((SELECT events FROM totals WHERE id = 1), 0) AS events
                    """)!
            let purchased: Int = totalsRow["purchased"]
            let allocated: Int = totalsRow["allocated"]
            let totals = DashboardTotals(
                skus: totalsRow["skus"], batches: totalsRow["batches"], purchased: purchased, allocated: allocated,
                available: purchased - allocated, allocations: totalsRow["allocations"],
                outOfStock: totalsRow["out_of_stock"], events: totalsRow["events"])
            let outOfStock = try Row.fetchAll(
                db, sql: "SELECT * FROM out_of_stock ORDER BY position DESC LIMIT 20"
            ).map {
                OutOfStockOccurrence(
                    position: $0["position"], sku: $0["sku"], orderid: $0["orderid"], qty: $0["qty"],
                    occurredAt: $0["occurred_at"])
            }
            let activity = try Row.fetchAll(db, sql: "SELECT * FROM activity ORDER BY position DESC LIMIT 30").map {
                ActivityItem(
                    position: $0["position"], occurredAt: $0["occurred_at"], type: $0["type"], sku: $0["sku"],
                    orderid: $0["orderid"], batchref: $0["batchref"], qty: $0["qty"], detail: $0["detail"])
            }
            return (
                try ProjectionStore.checkpoint(db),
                DashboardBody(
                    totals: totals, skus: skus,
                    batches: try Self.batches(db, where: "", [], limit: limit),
                    eventsPerMinute: try Self.lastHour(db), recentOutOfStock: outOfStock, recentActivity: activity)
            )
        }
    }

    /// The dashboard's data part.
    public struct DashboardBody: Sendable {
        public var totals: DashboardTotals
        public var skus: [SKUStock]
        public var batches: [BatchStock]
        public var eventsPerMinute: [MinuteActivity]
        public var recentOutOfStock: [OutOfStockOccurrence]
        public var recentActivity: [ActivityItem]
    }

    private static func batches(_ db: Database, where clause: String, _ arguments: StatementArguments, limit: Int?)
        throws -> [BatchStock]
    {
        let limitClause = limit.map { " LIMIT \($0)" } ?? ""
        return try Row.fetchAll(
            db, sql: "SELECT * FROM batches \(clause) ORDER BY sku, eta IS NOT NULL, eta, ref\(limitClause)",
            arguments: arguments
        ).map {
            let purchased: Int = $0["purchased"]
            let allocated: Int = $0["allocated"]
            return BatchStock(
                ref: $0["ref"], sku: $0["sku"], eta: $0["eta"], purchased: purchased, allocated: allocated,
                available: purchased - allocated)
        }
    }

    /// Sixty one-minute points ending at the latest minute that has events.
    private static func lastHour(_ db: Database) throws -> [MinuteActivity] {
        guard let latest = try String.fetchOne(db, sql: "SELECT MAX(minute) FROM event_counts"),
            let end = try? Date(latest, strategy: .iso8601)
        else { return [] }
        let minutes = (0..<60).reversed().map { Timestamps.minute(of: end.addingTimeInterval(Double(-60 * $0))) }
        var points = Dictionary(
            uniqueKeysWithValues: minutes.map {
                (
                    $0,
                    MinuteActivity(
                        minute: $0, total: 0, batchCreated: 0, allocated: 0, deallocated: 0, outOfStock: 0,
                        batchQuantityChanged: 0, unitsAllocated: 0)
                )
            })
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT minute, type, events, units FROM event_counts WHERE minute >= ?"),
            arguments: [minutes[0]])
        for row in rows {
            let minute: String = row["minute"]
            guard var point = points[minute] else { continue }
            let events: Int = row["events"]
            let type: String = row["type"]
            point.total += events
            switch type {
            case "BatchCreated": point.batchCreated += events
            case "Allocated":
                point.allocated += events
                point.unitsAllocated += row["units"] as Int
            case "Deallocated": point.deallocated += events
            case "OutOfStock": point.outOfStock += events
            case "BatchQuantityChanged": point.batchQuantityChanged += events
            default: break
            }
            points[minute] = point
        }
        return minutes.map { points[$0]! }
    }
}
