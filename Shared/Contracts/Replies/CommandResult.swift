/// What an applied command did, in terms a client can act on without reading events: the `result`
/// object of an `ok` reply. Independent of any service type so every client shares it.
public struct CommandResult: Hashable, Sendable {
    public enum Outcome: String, Codable, Hashable, Sendable, CaseIterable {
        case batchCreated = "batch_created"
        /// The line holds stock; `batchReference` says where.
        case allocated
        /// No batch could take the line. A normal outcome, not an error: the fact is recorded
        /// (an `OutOfStock` event) and the client may try later.
        case outOfStock = "out_of_stock"
        case deallocated
        case quantityChanged = "quantity_changed"
        case batchArrived = "batch_arrived"
        case supplierCreated = "supplier_created"
        case purchaseOrderCreated = "purchase_order_created"
        /// `line` is the new item's line number.
        case itemAdded = "item_added"
        case itemRemoved = "item_removed"
        case purchaseOrderSubmitted = "purchase_order_submitted"
        case purchaseOrderApproved = "purchase_order_approved"
        case purchaseOrderRejected = "purchase_order_rejected"
        case purchaseOrderCancelled = "purchase_order_cancelled"
        case goodsReceived = "goods_received"
        /// `match` says whether the three-way match found discrepancies.
        case invoiceRegistered = "invoice_registered"
        case invoiceApproved = "invoice_approved"
        case invoiceRejected = "invoice_rejected"
        case paymentScheduled = "payment_scheduled"
        case paymentRecorded = "payment_recorded"
    }

    public var outcome: Outcome
    /// The batch an `allocated` line went to; null for the other outcomes.
    public var batchReference: String?
    /// The line number an `item_added` gave the new item; absent otherwise.
    public var line: Int?
    /// `matched` or `mismatched` for `invoice_registered`; absent otherwise.
    public var match: String?

    public init(outcome: Outcome, batchReference: String? = nil, line: Int? = nil, match: String? = nil) {
        self.outcome = outcome
        self.batchReference = batchReference
        self.line = line
        self.match = match
    }

    public static let batchCreated = CommandResult(outcome: .batchCreated)
    public static let outOfStock = CommandResult(outcome: .outOfStock)
    public static let deallocated = CommandResult(outcome: .deallocated)
    public static let quantityChanged = CommandResult(outcome: .quantityChanged)
    public static func allocated(to batchReference: String) -> CommandResult {
        CommandResult(outcome: .allocated, batchReference: batchReference)
    }
}

extension CommandResult: WirePayload {
    /// An empty result for readers to fill in (`outcome` is required, so it is always read).
    public init() { self.init(outcome: .batchCreated) }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        var raw = outcome.rawValue
        try fields.string("outcome", &raw)
        guard let known = Outcome(rawValue: raw) else {
            throw .invalidField("outcome", "is not a known outcome: \(raw)")
        }
        outcome = known
        try fields.optionalString("batchref", &batchReference)
        // Written only when set, so allocation's replies keep their bytes.
        try fields.integerIfPresent("line", &line)
        try fields.stringIfPresent("match", &match)
    }
}
