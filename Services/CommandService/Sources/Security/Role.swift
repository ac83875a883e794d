/// What a principal may do, granted per key in the allow-list. Roles are coarse on purpose: each
/// command type needs exactly one (see `CommandType.requiredRole`), so "who may approve" is one
/// line of the allow-list, not a policy language.
public enum Role: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Warehouse work: batches and allocations.
    case `operator`
    /// Drafts purchase orders, edits, submits and cancels them.
    case requester
    /// Approves or rejects purchase orders and invoices (never an order they requested).
    case approver
    /// Suppliers, goods receipts, invoices and payments.
    case clerk
    /// Receives events and replays the log (the query service is one).
    case reader

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}
