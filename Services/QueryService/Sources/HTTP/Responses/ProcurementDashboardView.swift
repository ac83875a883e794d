/// `GET /api/procurement/dashboard` and each `procurement` message of
/// `GET /events/stream?view=procurement`: what the procurement page shows.
public struct ProcurementDashboardView: Codable, Sendable, Equatable {
    public var sync: SyncView
    public var checkpoint: Int
    public var head: Int
    public var lag: Int
    /// All time, as `GET /api/procurement/kpis` without a range.
    public var kpis: ProcurementKPIs
    /// The 20 oldest invoices awaiting approval.
    public var awaitingApproval: [InvoiceSummary]
    /// The 20 scheduled invoices not fully paid that are due soonest (overdue ones first).
    public var paymentsDue: [InvoiceSummary]
}

/// An invoice in a list.
public struct InvoiceSummary: Codable, Sendable, Equatable {
    public var supplier: String
    public var invoice: String
    public var po: String
    public var status: String
    public var currency: String
    public var total: Int
    public var balance: Int
    public var firstPassMatched: Bool
    @Nullable public var paymentDue: String?
    public var registeredAt: String
}
