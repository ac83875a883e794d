/// Stable, machine-readable reasons a request failed. Clients branch on these, never on messages;
/// a code is never renamed or reused, and new codes may be added (readers treat an unknown code by
/// its status and `retryable` flag).
public enum ErrorCode: String, Codable, Hashable, Sendable, CaseIterable {
    // Input the service could not read.
    /// The frame is not JSON, or not a JSON object.
    case badJSON = "bad_json"
    /// A required field is absent or null.
    case missingField = "missing_field"
    /// A field has the wrong JSON type or a bad format (empty or too-long identifier, bad date, …).
    case invalidField = "invalid_field"
    /// A quantity is out of bounds, negative, huge or not a whole number.
    case invalidQuantity = "invalid_quantity"
    /// The command type is not one the service knows.
    case unknownType = "unknown_type"
    /// The type is known but not in this schema version.
    case unsupportedSchemaVersion = "unsupported_schema_version"
    /// The message has the wrong number of ZeroMQ frames.
    case badFrames = "bad_frames"
    /// The request frame is larger than ``WireLimits/maximumRequestBytes``.
    case frameTooLarge = "frame_too_large"

    // Domain rules: the request was understood and refused.
    /// No product has this SKU (the book's `InvalidSku`).
    case invalidSKU = "invalid_sku"
    /// No batch has this reference.
    case unknownBatch = "unknown_batch"
    /// A batch with this reference exists already.
    case duplicateBatch = "duplicate_batch"
    /// The order has no allocated line of this SKU.
    case lineNotAllocated = "line_not_allocated"
    /// The order already has a line of this SKU with another quantity.
    case conflictingOrderLine = "conflicting_order_line"
    /// A batch or line belongs to another SKU.
    case skuMismatch = "sku_mismatch"

    // Procurement's rules.
    /// No supplier has this id.
    case unknownSupplier = "unknown_supplier"
    /// A supplier with this id exists already.
    case duplicateSupplier = "duplicate_supplier"
    /// No purchase order has this number.
    case unknownPurchaseOrder = "unknown_purchase_order"
    /// A purchase order with this number exists already.
    case duplicatePurchaseOrder = "duplicate_purchase_order"
    /// The order or invoice is not in a state that allows the action (approving a draft, …).
    case invalidState = "invalid_state"
    /// The principal requested the order and may not approve or reject it.
    case selfApproval = "self_approval"
    /// An order without items cannot be submitted.
    case emptyOrder = "empty_order"
    /// The order (or invoice) has a line of this SKU already.
    case duplicateItem = "duplicate_item"
    /// More lines than an order or invoice may have.
    case tooManyLines = "too_many_lines"
    /// The order has no line with this number.
    case unknownLine = "unknown_line"
    /// More received than is outstanding on the line.
    case overReceipt = "over_receipt"
    /// An amount in another currency than the order's or invoice's.
    case currencyMismatch = "currency_mismatch"
    /// A total or date computed from the amounts would be out of range.
    case amountOutOfRange = "amount_out_of_range"
    /// This supplier's invoice number is registered already.
    case duplicateInvoice = "duplicate_invoice"
    /// No invoice of this supplier has this number.
    case unknownInvoice = "unknown_invoice"
    /// The invoice's supplier is not the order's.
    case supplierMismatch = "supplier_mismatch"
    /// The invoice has discrepancies; approving it needs an override reason.
    case invoiceNotMatched = "invoice_not_matched"
    /// The payment is larger than what is owed.
    case overpayment = "overpayment"

    // Who may ask: secure mode's allow-list and roles (docs/PROTOCOL.md §2).
    /// The key this connection authenticated with is no longer on the allow-list (revoked since).
    case unauthenticated
    /// The principal lacks the role the request needs, or `issued_by` names someone else.
    case forbidden

    // Processing failures.
    /// The command id was used before for a different request.
    case commandIDConflict = "command_id_conflict"
    /// Concurrent commands kept changing the aggregate; retry with the same command id.
    case concurrencyConflict = "concurrency_conflict"
    /// A dependency (the database) is down; retry with the same command id.
    case unavailable
    /// The service is stopping; retry with the same command id, possibly on another instance.
    case shuttingDown = "shutting_down"
    /// A replay request names another event log than this service's: the reader's checkpoint
    /// counts positions of a log this database does not hold.
    case otherLog = "other_log"
    /// A bug; the message says more.
    case `internal`

    /// Domain rule violations are `rejected`; everything else is `error`.
    public var status: ReplyStatus {
        switch self {
        case .invalidSKU, .unknownBatch, .duplicateBatch, .lineNotAllocated, .conflictingOrderLine, .skuMismatch,
            .unknownSupplier, .duplicateSupplier, .unknownPurchaseOrder, .duplicatePurchaseOrder, .invalidState,
            .selfApproval, .emptyOrder, .duplicateItem, .tooManyLines, .unknownLine, .overReceipt, .currencyMismatch,
            .amountOutOfRange, .duplicateInvoice, .unknownInvoice, .supplierMismatch, .invoiceNotMatched, .overpayment:
            .rejected
        default:
            .error
        }
    }

    /// Whether sending the same request again (same command id) may succeed.
    public var isRetryable: Bool {
        switch self {
        case .concurrencyConflict, .unavailable, .shuttingDown: true
        default: false
        }
    }
}
