/// `GET /api/procurement/kpis`: figures over a range of UTC days (of the events' `occurred_at`),
/// and figures of the present moment (awaiting approval, payments due, the reorder list).
public struct ProcurementKPIs: Codable, Sendable, Equatable {
    /// The range asked for; null for an open end (all time when both are).
    @Nullable public var from: String?
    @Nullable public var to: String?
    /// The UTC day the present-moment figures are counted from.
    public var today: String
    /// Orders created in the range, valued at their current total.
    public var ordersCreated: CountAndValue
    /// Approvals in the range, valued at the approved total.
    public var ordersApproved: CountAndValue
    public var ordersRejected: Int
    public var ordersCancelled: Int
    public var approvalCycle: ApprovalCycle
    public var onTimeDelivery: OnTimeDelivery
    public var firstPassMatch: FirstPassMatch
    /// Invoices approved in the range and their totals: the spend.
    public var invoicesApproved: CountAndValue
    public var paymentsMade: CountAndValue
    /// Now: invoices matched or mismatched, not yet approved or rejected.
    public var invoicesAwaitingApproval: CountAndValue
    /// Now: scheduled invoices not fully paid, due from today to today + 7 days; value is what is still owed.
    public var paymentsDue: PaymentsDue
    /// Per currency, the ten suppliers with the most approved invoice value in the range.
    public var spendBySupplier: [CurrencySpend]
    /// Now: SKUs that ran out of stock and no open order covers, by SKU (at most 200).
    public var reorderList: [ReorderItem]
}

/// Submitted → approved, over the approvals in the range.
public struct ApprovalCycle: Codable, Sendable, Equatable {
    public var approvals: Int
    /// Null when nothing was approved.
    @Nullable public var averageSeconds: Double?
}

/// Receipt lines that brought goods on or before the order's expected delivery day.
public struct OnTimeDelivery: Codable, Sendable, Equatable {
    public var receiptLines: Int
    public var onTime: Int
    @Nullable public var rate: Double?
}

/// Invoices matched at registration among those registered.
public struct FirstPassMatch: Codable, Sendable, Equatable {
    public var registered: Int
    public var matched: Int
    @Nullable public var rate: Double?
}

public struct PaymentsDue: Codable, Sendable, Equatable {
    /// Today and today + 7 days, both included.
    public var from: String
    public var to: String
    public var count: Int
    public var value: [MoneyAmount]
}

public struct CurrencySpend: Codable, Sendable, Equatable {
    public var currency: String
    public var suppliers: [SupplierSpend]
}

public struct SupplierSpend: Codable, Sendable, Equatable {
    public var supplier: String
    @Nullable public var name: String?
    public var value: Int
}

public struct ReorderItem: Codable, Sendable, Equatable {
    public var sku: String
    /// OutOfStock events of the SKU, all time, and the units they could not allocate.
    public var outOfStock: Int
    public var unitsShort: Int
    public var lastOutOfStockAt: String
}
