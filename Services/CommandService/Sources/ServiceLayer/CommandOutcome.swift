import Domain

/// How an accepted command ended. Out of stock is an outcome, not a failure: the command was
/// handled, nothing could be allocated, and `OutOfStock` was recorded.
public enum CommandOutcome: Hashable, Sendable {
    case batchCreated
    case allocated(BatchReference)
    case outOfStock
    case deallocated
    case quantityChanged
    case batchArrived
    case supplierCreated
    case purchaseOrderCreated
    /// The new item's line number.
    case itemAdded(line: Int)
    case itemRemoved
    case purchaseOrderSubmitted
    case purchaseOrderApproved
    case purchaseOrderRejected
    case purchaseOrderCancelled
    case goodsReceived
    /// Whether the three-way match found nothing to object to.
    case invoiceRegistered(matched: Bool)
    case invoiceApproved
    case invoiceRejected
    case paymentScheduled
    case paymentRecorded
}
