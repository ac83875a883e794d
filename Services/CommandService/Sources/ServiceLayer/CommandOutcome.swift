import Domain

/// How an accepted command ended. Out of stock is an outcome, not a failure: the command was
/// handled, nothing could be allocated, and `OutOfStock` was recorded.
public enum CommandOutcome: Hashable, Sendable {
    case batchCreated
    case allocated(BatchReference)
    case outOfStock
    case deallocated
    case quantityChanged
}
