/// The commands the service accepts (allocation's, then procurement's), by their wire names (`type` of a request).
public enum CommandType: String, Codable, Hashable, Sendable, CaseIterable {
    case createBatch = "CreateBatch"
    case allocate = "Allocate"
    case deallocate = "Deallocate"
    case changeBatchQuantity = "ChangeBatchQuantity"
    case createSupplier = "CreateSupplier"
    case createPurchaseOrder = "CreatePurchaseOrder"
    case addPurchaseOrderItem = "AddPurchaseOrderItem"
    case removePurchaseOrderItem = "RemovePurchaseOrderItem"
    case submitPurchaseOrder = "SubmitPurchaseOrder"
    case approvePurchaseOrder = "ApprovePurchaseOrder"
    case rejectPurchaseOrder = "RejectPurchaseOrder"
    case cancelPurchaseOrder = "CancelPurchaseOrder"
    case receiveGoods = "ReceiveGoods"
    case registerInvoice = "RegisterInvoice"
    case approveInvoice = "ApproveInvoice"
    case rejectInvoice = "RejectInvoice"
    case schedulePayment = "SchedulePayment"
    case recordPayment = "RecordPayment"
    case recordBatchArrival = "RecordBatchArrival"

    /// The version writers emit.
    public var currentSchemaVersion: Int { 1 }

    /// Versions readers accept; anything else is `unsupported_schema_version`.
    public var supportedSchemaVersions: ClosedRange<Int> { 1...1 }
}
