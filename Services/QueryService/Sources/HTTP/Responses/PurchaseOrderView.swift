/// `GET /purchase-orders/{number}`.
public struct PurchaseOrderView: Codable, Sendable, Equatable {
    public var po: String
    /// `draft`, `submitted`, `approved`, `rejected`, `cancelled`, `partially_received` or `received`.
    public var status: String
    public var supplier: String
    /// Null if no `SupplierCreated` of it was seen.
    @Nullable public var supplierName: String?
    public var requester: String
    @Nullable public var approver: String?
    public var currency: String
    public var total: Int
    public var expectedDelivery: String
    public var createdAt: String
    @Nullable public var submittedAt: String?
    @Nullable public var approvedAt: String?
    /// Set when the order was rejected or cancelled.
    @Nullable public var closure: Closure?
    public var lines: [PurchaseOrderLineView]
    public var invoices: [InvoiceReference]
}

public struct PurchaseOrderLineView: Codable, Sendable, Equatable {
    public var line: Int
    public var sku: String
    public var ordered: Int
    public var unitPrice: Int
    public var received: Int
    /// Units still expected: 0 once the line is complete or closed short, or the order is rejected
    /// or cancelled.
    public var outstanding: Int
    public var closedShort: Bool
    /// Units billed by approved invoices.
    public var invoiced: Int

    public init(
        line: Int, sku: String, ordered: Int, unitPrice: Int, received: Int, outstanding: Int, closedShort: Bool,
        invoiced: Int
    ) {
        self.line = line
        self.sku = sku
        self.ordered = ordered
        self.unitPrice = unitPrice
        self.received = received
        self.outstanding = outstanding
        self.closedShort = closedShort
        self.invoiced = invoiced
    }
}

/// An invoice as an order lists it.
public struct InvoiceReference: Codable, Sendable, Equatable {
    public var supplier: String
    public var invoice: String
    public var status: String
    public var total: Int

    public init(supplier: String, invoice: String, status: String, total: Int) {
        self.supplier = supplier
        self.invoice = invoice
        self.status = status
        self.total = total
    }
}
