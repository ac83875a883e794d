/// `GET /invoices/{supplier}/{number}`.
public struct InvoiceView: Codable, Sendable, Equatable {
    public var supplier: String
    public var invoice: String
    public var po: String
    /// `matched`, `mismatched`, `approved`, `rejected` or `paid`.
    public var status: String
    public var invoiceDate: String
    public var currency: String
    public var total: Int
    public var lines: [InvoiceLineView]
    /// As the latest match found them (registration or re-match); empty when matched.
    public var discrepancies: [DiscrepancyView]
    /// Matched at registration, with no discrepancy.
    public var firstPassMatched: Bool
    @Nullable public var approvedBy: String?
    /// Why a mismatched invoice was approved anyway.
    @Nullable public var overrideReason: String?
    @Nullable public var paymentDue: String?
    /// Its payment was scheduled.
    public var scheduled: Bool
    public var payments: [PaymentView]
    public var paid: Int
    /// What is still owed: total − paid.
    public var balance: Int
    public var registeredAt: String
    @Nullable public var approvedAt: String?
    /// Set when the invoice was rejected.
    @Nullable public var closure: Closure?
}

public struct InvoiceLineView: Codable, Sendable, Equatable {
    public var sku: String
    public var qty: Int
    public var unitPrice: Int

    public init(sku: String, qty: Int, unitPrice: Int) {
        self.sku = sku
        self.qty = qty
        self.unitPrice = unitPrice
    }
}

/// `kind`: `not_ordered`, `quantity_not_received` or `price_differs` (see docs/PROTOCOL.md §7).
public struct DiscrepancyView: Codable, Sendable, Equatable {
    public var sku: String
    public var kind: String
    public var invoiced: Int
    public var expected: Int

    public init(sku: String, kind: String, invoiced: Int, expected: Int) {
        self.sku = sku
        self.kind = kind
        self.invoiced = invoiced
        self.expected = expected
    }
}

public struct PaymentView: Codable, Sendable, Equatable {
    public var amount: Int
    public var paidOn: String
    public var reference: String

    public init(amount: Int, paidOn: String, reference: String) {
        self.amount = amount
        self.paidOn = paidOn
        self.reference = reference
    }
}
