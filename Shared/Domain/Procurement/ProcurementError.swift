/// Why procurement refused a command: each case is a rule of purchase-to-pay. Format errors of the
/// input are the kernel's (`DomainError.invalidField`), raised before a command reaches a handler.
public enum ProcurementError: Refusal, Equatable {
    case unknownSupplier(SupplierID)
    case duplicateSupplier(SupplierID)
    case unknownPurchaseOrder(PurchaseOrderNumber)
    case duplicatePurchaseOrder(PurchaseOrderNumber)
    /// The document is not in a state that allows the action (approving a draft, receiving a
    /// cancelled order, changing items after submission, …).
    case invalidState(document: String, status: String, action: String)
    /// Segregation of duties: whoever requested an order may not approve it.
    case selfApproval(Principal)
    /// An order without items cannot be submitted.
    case emptyOrder(PurchaseOrderNumber)
    /// An order has one line per SKU; a second line of the same SKU is refused.
    case duplicateItem(SKU)
    /// An order or invoice would have more than ``maximumLines`` lines.
    case tooManyLines(Int)
    case unknownLine(Int)
    /// A receipt may not exceed what is outstanding on the line.
    case overReceipt(line: Int, outstanding: Int, received: Int)
    /// Two amounts of different currencies met (an item priced in USD on a EUR order).
    case currencyMismatch(expected: Currency, got: Currency)
    /// A total or price would leave `0...Money.maximumMinorUnits`.
    case amountOutOfRange
    /// The same supplier and invoice number again: the classic duplicate payment.
    case duplicateInvoice(SupplierID, InvoiceNumber)
    case unknownInvoice(SupplierID, InvoiceNumber)
    /// An invoice from one supplier against another supplier's order.
    case supplierMismatch(order: SupplierID, invoice: SupplierID)
    /// Only a matched invoice is approved, unless the approver overrides with a reason.
    case invoiceNotMatched(discrepancies: Int)
    /// A payment larger than what is still owed on the invoice.
    case overpayment(balance: Money, offered: Money)

    /// The most lines an order or an invoice may have.
    public static let maximumLines = 500
}

extension ProcurementError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unknownSupplier(let id): "No supplier \(id)"
        case .duplicateSupplier(let id): "Supplier \(id) exists already"
        case .unknownPurchaseOrder(let number): "No purchase order \(number)"
        case .duplicatePurchaseOrder(let number): "Purchase order \(number) exists already"
        case .invalidState(let document, let status, let action): "Cannot \(action) \(document): it is \(status)"
        case .selfApproval(let principal): "\(principal) requested this order and may not approve it"
        case .emptyOrder(let number): "Purchase order \(number) has no items"
        case .duplicateItem(let sku): "The order has a line of \(sku) already"
        case .tooManyLines(let count): "\(count) lines is more than the \(ProcurementError.maximumLines) allowed"
        case .unknownLine(let line): "No line \(line)"
        case .overReceipt(let line, let outstanding, let received):
            "Line \(line) has \(outstanding) outstanding; cannot receive \(received)"
        case .currencyMismatch(let expected, let got): "Expected an amount in \(expected), got \(got)"
        case .amountOutOfRange: "The amount is out of range (0 to \(Money.maximumMinorUnits) minor units)"
        case .duplicateInvoice(let supplier, let number): "Invoice \(number) of \(supplier) is registered already"
        case .unknownInvoice(let supplier, let number): "No invoice \(number) of \(supplier)"
        case .supplierMismatch(let order, let invoice):
            "The order is from supplier \(order), the invoice from \(invoice)"
        case .invoiceNotMatched(let count):
            "The invoice has \(count) discrepancies; approve it with an override reason or fix it"
        case .overpayment(let balance, let offered):
            "Only \(balance.minorUnits) is owed; cannot pay \(offered.minorUnits)"
        }
    }
}
