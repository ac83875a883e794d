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

    // Processing failures.
    /// The command id was used before for a different request.
    case commandIDConflict = "command_id_conflict"
    /// Concurrent commands kept changing the aggregate; retry with the same command id.
    case concurrencyConflict = "concurrency_conflict"
    /// A dependency (the database) is down; retry with the same command id.
    case unavailable
    /// The service is stopping; retry with the same command id, possibly on another instance.
    case shuttingDown = "shutting_down"
    /// A bug; the message says more.
    case `internal`

    /// Domain rule violations are `rejected`; everything else is `error`.
    public var status: ReplyStatus {
        switch self {
        case .invalidSKU, .unknownBatch, .duplicateBatch, .lineNotAllocated, .conflictingOrderLine, .skuMismatch:
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
