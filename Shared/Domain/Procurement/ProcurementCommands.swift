// The procurement context's commands. Fields are valid domain values already; a principal is who
// issued the command, filled in by the service from the request (never a payload field).

/// A text a person wrote (a reason, a name): 1 to `maximum` characters, no control characters.
public enum Text {
    public static func checked(_ text: String, field: String, maximum: Int = 500) throws(DomainError) -> String {
        let scalars = text.unicodeScalars
        if scalars.allSatisfy({ $0.properties.isWhitespace }) { throw .invalidField(field, "must not be empty") }
        if scalars.count > maximum { throw .invalidField(field, "must be at most \(maximum) characters") }
        if scalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidField(field, "must not contain control characters")
        }
        return text
    }
}

public struct CreateSupplier: Command, Hashable {
    public let supplier: SupplierID
    public let name: String
    public let currency: Currency
    public let paymentTermsDays: Int

    /// The longest name a supplier may have, in Unicode scalar values.
    public static let maximumNameLength = 200

    public init(supplier: SupplierID, name: String, currency: Currency, paymentTermsDays: Int) throws(DomainError) {
        guard (0...Supplier.maximumPaymentTerms).contains(paymentTermsDays) else {
            throw .invalidQuantity(
                "terms_days", paymentTermsDays, "must be between 0 and \(Supplier.maximumPaymentTerms)")
        }
        self.supplier = supplier
        self.name = try Text.checked(name, field: "name", maximum: Self.maximumNameLength)
        self.currency = currency
        self.paymentTermsDays = paymentTermsDays
    }
}

public struct CreatePurchaseOrder: Command, Hashable {
    public let number: PurchaseOrderNumber
    public let supplier: SupplierID
    public let expectedDelivery: Day
    /// Who asks for the goods: the principal that issued the command.
    public let requester: Principal

    public init(number: PurchaseOrderNumber, supplier: SupplierID, expectedDelivery: Day, requester: Principal) {
        self.number = number
        self.supplier = supplier
        self.expectedDelivery = expectedDelivery
        self.requester = requester
    }
}

/// Adds a line to a draft order. The unit price is in minor units of the order's currency.
public struct AddPurchaseOrderItem: Command, Hashable {
    public let number: PurchaseOrderNumber
    public let sku: SKU
    public let quantity: Int
    public let unitPrice: Int

    public init(number: PurchaseOrderNumber, sku: SKU, quantity: Int, unitPrice: Int) throws(DomainError) {
        self.number = number
        self.sku = sku
        self.quantity = try Quantity.orderLine(quantity)
        guard (0...Money.maximumMinorUnits).contains(unitPrice) else {
            throw .invalidQuantity("unit_price", unitPrice, "must be between 0 and \(Money.maximumMinorUnits)")
        }
        self.unitPrice = unitPrice
    }
}

public struct RemovePurchaseOrderItem: Command, Hashable {
    public let number: PurchaseOrderNumber
    public let line: Int

    public init(number: PurchaseOrderNumber, line: Int) {
        self.number = number
        self.line = line
    }
}

/// A purchase order decision: submit, approve, reject or cancel, by a principal (with a reason for
/// the last two).
public struct SubmitPurchaseOrder: Command, Hashable {
    public let number: PurchaseOrderNumber
    public let by: Principal

    public init(number: PurchaseOrderNumber, by: Principal) {
        self.number = number
        self.by = by
    }
}

public struct ApprovePurchaseOrder: Command, Hashable {
    public let number: PurchaseOrderNumber
    public let by: Principal

    public init(number: PurchaseOrderNumber, by: Principal) {
        self.number = number
        self.by = by
    }
}

public struct RejectPurchaseOrder: Command, Hashable {
    public let number: PurchaseOrderNumber
    public let by: Principal
    public let reason: String

    public init(number: PurchaseOrderNumber, by: Principal, reason: String) throws(DomainError) {
        self.number = number
        self.by = by
        self.reason = try Text.checked(reason, field: "reason")
    }
}

public struct CancelPurchaseOrder: Command, Hashable {
    public let number: PurchaseOrderNumber
    public let by: Principal
    public let reason: String

    public init(number: PurchaseOrderNumber, by: Principal, reason: String) throws(DomainError) {
        self.number = number
        self.by = by
        self.reason = try Text.checked(reason, field: "reason")
    }
}

/// Goods arrived for an order: one receipt, one or more of its lines.
public struct ReceiveGoods: Command, Hashable {
    public let number: PurchaseOrderNumber
    public let receivedOn: Day
    public let lines: [ReceiptLine]

    public init(number: PurchaseOrderNumber, receivedOn: Day, lines: [ReceiptLine]) throws(DomainError) {
        guard !lines.isEmpty else { throw .invalidField("lines", "must not be empty") }
        guard Set(lines.map(\.line)).count == lines.count else {
            throw .invalidField("lines", "must name each line at most once")
        }
        self.number = number
        self.receivedOn = receivedOn
        self.lines = lines
    }
}

/// A supplier's invoice arrives; it is matched as it is registered.
public struct RegisterInvoice: Command, Hashable {
    public let supplier: SupplierID
    public let number: InvoiceNumber
    public let purchaseOrder: PurchaseOrderNumber
    public let invoiceDate: Day
    public let lines: [InvoiceLine]

    public init(
        supplier: SupplierID, number: InvoiceNumber, purchaseOrder: PurchaseOrderNumber, invoiceDate: Day,
        lines: [InvoiceLine]
    ) throws(DomainError) {
        guard !lines.isEmpty else { throw .invalidField("lines", "must not be empty") }
        self.supplier = supplier
        self.number = number
        self.purchaseOrder = purchaseOrder
        self.invoiceDate = invoiceDate
        self.lines = lines
    }
}

/// Approves an invoice; `overrideReason` is required when it does not match.
public struct ApproveInvoice: Command, Hashable {
    public let supplier: SupplierID
    public let number: InvoiceNumber
    public let by: Principal
    public let overrideReason: String?

    public init(supplier: SupplierID, number: InvoiceNumber, by: Principal, overrideReason: String? = nil)
        throws(DomainError)
    {
        self.supplier = supplier
        self.number = number
        self.by = by
        self.overrideReason = try overrideReason.map { text throws(DomainError) in
            try Text.checked(text, field: "override_reason")
        }
    }
}

public struct RejectInvoice: Command, Hashable {
    public let supplier: SupplierID
    public let number: InvoiceNumber
    public let by: Principal
    public let reason: String

    public init(supplier: SupplierID, number: InvoiceNumber, by: Principal, reason: String) throws(DomainError) {
        self.supplier = supplier
        self.number = number
        self.by = by
        self.reason = try Text.checked(reason, field: "reason")
    }
}

/// Issued by the payment policy when an invoice is approved (see the policy reactor).
public struct SchedulePayment: Command, Hashable {
    public let supplier: SupplierID
    public let number: InvoiceNumber

    public init(supplier: SupplierID, number: InvoiceNumber) {
        self.supplier = supplier
        self.number = number
    }
}

/// Money paid towards an approved invoice, in minor units of its currency.
public struct RecordPayment: Command, Hashable {
    public let supplier: SupplierID
    public let number: InvoiceNumber
    public let amount: Int
    /// Must be the invoice's: a payment in another currency is refused, never converted.
    public let currency: Currency
    public let paidOn: Day
    public let reference: String

    public init(
        supplier: SupplierID, number: InvoiceNumber, amount: Int, currency: Currency, paidOn: Day, reference: String
    ) throws(DomainError) {
        self.currency = currency
        self.supplier = supplier
        self.number = number
        self.amount = try Self.checked(amount: amount)
        self.paidOn = paidOn
        self.reference = try Text.checked(reference, field: "reference", maximum: 100)
    }

    /// A payment is of at least one minor unit, and no more than any amount may be.
    public static func checked(amount: Int) throws(DomainError) -> Int {
        guard (1...Money.maximumMinorUnits).contains(amount) else {
            throw .invalidQuantity("amount", amount, "must be between 1 and \(Money.maximumMinorUnits)")
        }
        return amount
    }
}

extension CreatePurchaseOrder: AttributedCommand { public var issuedBy: Principal { requester } }
extension SubmitPurchaseOrder: AttributedCommand { public var issuedBy: Principal { by } }
extension ApprovePurchaseOrder: AttributedCommand { public var issuedBy: Principal { by } }
extension RejectPurchaseOrder: AttributedCommand { public var issuedBy: Principal { by } }
extension CancelPurchaseOrder: AttributedCommand { public var issuedBy: Principal { by } }
extension ApproveInvoice: AttributedCommand { public var issuedBy: Principal { by } }
extension RejectInvoice: AttributedCommand { public var issuedBy: Principal { by } }
