import Contracts

extension CommandType {
    /// The role a principal needs to send this command. The switch is exhaustive on purpose: a new
    /// command type does not compile until someone decides who may send it.
    public var requiredRole: Role {
        switch self {
        case .createBatch, .allocate, .deallocate, .changeBatchQuantity, .recordBatchArrival: .operator
        case .createPurchaseOrder, .addPurchaseOrderItem, .removePurchaseOrderItem, .submitPurchaseOrder,
            .cancelPurchaseOrder:
            .requester
        case .approvePurchaseOrder, .rejectPurchaseOrder, .approveInvoice, .rejectInvoice: .approver
        case .createSupplier, .receiveGoods, .registerInvoice, .schedulePayment, .recordPayment: .clerk
        }
    }
}
