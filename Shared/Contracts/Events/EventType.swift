/// The events the service publishes, by their wire names (`type` of an envelope): allocation's,
/// which belong to a `Product` (aggregate id: the SKU), then procurement's (aggregate ids
/// `supplier:<id>`, `po:<number>`, `invoice:<supplier>/<number>`).
public enum EventType: String, Codable, Hashable, Sendable, CaseIterable {
    case batchCreated = "BatchCreated"
    case allocated = "Allocated"
    case deallocated = "Deallocated"
    case outOfStock = "OutOfStock"
    case batchQuantityChanged = "BatchQuantityChanged"
    case supplierCreated = "SupplierCreated"
    case purchaseOrderCreated = "PurchaseOrderCreated"
    case purchaseOrderItemAdded = "PurchaseOrderItemAdded"
    case purchaseOrderItemRemoved = "PurchaseOrderItemRemoved"
    case purchaseOrderSubmitted = "PurchaseOrderSubmitted"
    case purchaseOrderApproved = "PurchaseOrderApproved"
    case purchaseOrderRejected = "PurchaseOrderRejected"
    case purchaseOrderCancelled = "PurchaseOrderCancelled"
    case goodsReceived = "GoodsReceived"
    case invoiceRegistered = "InvoiceRegistered"
    case invoiceRematched = "InvoiceRematched"
    case invoiceApproved = "InvoiceApproved"
    case invoiceRejected = "InvoiceRejected"
    case paymentScheduled = "PaymentScheduled"
    case paymentMade = "PaymentMade"
    case batchArrived = "BatchArrived"

    /// The version writers emit.
    public var currentSchemaVersion: Int { 1 }

    /// Versions this reader understands; a later one means "upgrade me", never "skip".
    public var supportedSchemaVersions: ClosedRange<Int> { 1...1 }

    /// The PUB topic (`event.<Type>`).
    public var topic: String { Topic.event(self) }
}
