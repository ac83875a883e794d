/// `GET /suppliers/{id}`.
public struct SupplierView: Codable, Sendable, Equatable {
    public var supplier: String
    public var name: String
    public var currency: String
    public var termsDays: Int
    public var createdAt: String
    public var orders: DocumentFigures
    public var invoices: DocumentFigures
    /// Totals of its approved invoices (paid ones included).
    public var spend: [MoneyAmount]
    public var paid: [MoneyAmount]
    /// Approved and not paid yet: spend − paid.
    public var outstanding: [MoneyAmount]
}

/// A supplier's orders or invoices: all of them, and by status (statuses it has none of left out).
public struct DocumentFigures: Codable, Sendable, Equatable {
    public var count: Int
    public var value: [MoneyAmount]
    public var byStatus: [StatusFigures]

    public init(count: Int, value: [MoneyAmount], byStatus: [StatusFigures]) {
        self.count = count
        self.value = value
        self.byStatus = byStatus
    }
}

public struct StatusFigures: Codable, Sendable, Equatable {
    public var status: String
    public var count: Int
    public var value: [MoneyAmount]

    public init(status: String, count: Int, value: [MoneyAmount]) {
        self.status = status
        self.count = count
        self.value = value
    }
}
