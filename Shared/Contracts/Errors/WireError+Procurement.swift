import Domain

/// Maps a procurement refusal to the wire: every one is a rule of purchase-to-pay (`rejected`).
extension WireError {
    public init(_ error: ProcurementError) {
        let message = error.description
        switch error {
        case .unknownSupplier: self.init(code: .unknownSupplier, message: message, field: SupplierID.fieldName)
        case .duplicateSupplier: self.init(code: .duplicateSupplier, message: message, field: SupplierID.fieldName)
        case .unknownPurchaseOrder:
            self.init(code: .unknownPurchaseOrder, message: message, field: PurchaseOrderNumber.fieldName)
        case .duplicatePurchaseOrder:
            self.init(code: .duplicatePurchaseOrder, message: message, field: PurchaseOrderNumber.fieldName)
        case .invalidState: self.init(code: .invalidState, message: message)
        case .selfApproval: self.init(code: .selfApproval, message: message, field: Principal.fieldName)
        case .emptyOrder: self.init(code: .emptyOrder, message: message)
        case .duplicateItem: self.init(code: .duplicateItem, message: message, field: SKU.fieldName)
        case .tooManyLines: self.init(code: .tooManyLines, message: message, field: "lines")
        case .unknownLine: self.init(code: .unknownLine, message: message, field: "line")
        case .overReceipt: self.init(code: .overReceipt, message: message, field: "qty")
        case .currencyMismatch: self.init(code: .currencyMismatch, message: message, field: "currency")
        case .amountOutOfRange: self.init(code: .amountOutOfRange, message: message)
        case .duplicateInvoice: self.init(code: .duplicateInvoice, message: message, field: InvoiceNumber.fieldName)
        case .unknownInvoice: self.init(code: .unknownInvoice, message: message, field: InvoiceNumber.fieldName)
        case .supplierMismatch: self.init(code: .supplierMismatch, message: message, field: SupplierID.fieldName)
        case .invoiceNotMatched: self.init(code: .invoiceNotMatched, message: message, field: "override_reason")
        case .overpayment: self.init(code: .overpayment, message: message, field: "amount")
        }
    }
}
