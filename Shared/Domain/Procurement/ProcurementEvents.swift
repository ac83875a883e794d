// The procurement context's events: facts about suppliers, purchase orders and invoices. Each names
// its aggregate, prefixed by its kind so that ids of different aggregates never collide in the log.

/// An event of a procurement aggregate.
public protocol ProcurementEvent: Event, Hashable {}

public struct SupplierCreated: ProcurementEvent {
    public let supplier: SupplierID
    public let name: String
    public let currency: Currency
    public let paymentTermsDays: Int

    public init(supplier: SupplierID, name: String, currency: Currency, paymentTermsDays: Int) {
        self.supplier = supplier
        self.name = name
        self.currency = currency
        self.paymentTermsDays = paymentTermsDays
    }

    public var aggregateID: String { "supplier:\(supplier)" }
}

public struct PurchaseOrderCreated: ProcurementEvent {
    public let number: PurchaseOrderNumber
    public let supplier: SupplierID
    public let currency: Currency
    public let requester: Principal
    public let expectedDelivery: Day

    public init(
        number: PurchaseOrderNumber, supplier: SupplierID, currency: Currency, requester: Principal,
        expectedDelivery: Day
    ) {
        self.number = number
        self.supplier = supplier
        self.currency = currency
        self.requester = requester
        self.expectedDelivery = expectedDelivery
    }

    public var aggregateID: String { "po:\(number)" }
}

public struct PurchaseOrderItemAdded: ProcurementEvent {
    public let number: PurchaseOrderNumber
    public let line: Int
    public let sku: SKU
    public let quantity: Int
    public let unitPrice: Money
    /// The order's total after the change.
    public let total: Money

    public init(number: PurchaseOrderNumber, line: Int, sku: SKU, quantity: Int, unitPrice: Money, total: Money) {
        self.number = number
        self.line = line
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.total = total
    }

    public var aggregateID: String { "po:\(number)" }
}

public struct PurchaseOrderItemRemoved: ProcurementEvent {
    public let number: PurchaseOrderNumber
    public let line: Int
    public let total: Money

    public init(number: PurchaseOrderNumber, line: Int, total: Money) {
        self.number = number
        self.line = line
        self.total = total
    }

    public var aggregateID: String { "po:\(number)" }
}

public struct PurchaseOrderSubmitted: ProcurementEvent {
    public let number: PurchaseOrderNumber
    public let total: Money
    public let by: Principal

    public init(number: PurchaseOrderNumber, total: Money, by: Principal) {
        self.number = number
        self.total = total
        self.by = by
    }

    public var aggregateID: String { "po:\(number)" }
}

/// The order is approved: its items are stock on order, due on `expectedDelivery`.
public struct PurchaseOrderApproved: ProcurementEvent {
    public let number: PurchaseOrderNumber
    public let supplier: SupplierID
    public let total: Money
    public let expectedDelivery: Day
    public let by: Principal
    public let items: [PurchaseOrderItem]

    public init(
        number: PurchaseOrderNumber, supplier: SupplierID, total: Money, expectedDelivery: Day, by: Principal,
        items: [PurchaseOrderItem]
    ) {
        self.number = number
        self.supplier = supplier
        self.total = total
        self.expectedDelivery = expectedDelivery
        self.by = by
        self.items = items
    }

    public var aggregateID: String { "po:\(number)" }
}

public struct PurchaseOrderRejected: ProcurementEvent {
    public let number: PurchaseOrderNumber
    public let by: Principal
    public let reason: String

    public init(number: PurchaseOrderNumber, by: Principal, reason: String) {
        self.number = number
        self.by = by
        self.reason = reason
    }

    public var aggregateID: String { "po:\(number)" }
}

/// The order is cancelled; `items` are those that were on order (empty unless it was approved).
public struct PurchaseOrderCancelled: ProcurementEvent {
    public let number: PurchaseOrderNumber
    public let by: Principal
    public let reason: String
    public let items: [PurchaseOrderItem]

    public init(number: PurchaseOrderNumber, by: Principal, reason: String, items: [PurchaseOrderItem]) {
        self.number = number
        self.by = by
        self.reason = reason
        self.items = items
    }

    public var aggregateID: String { "po:\(number)" }
}

/// Goods arrived against an order.
public struct GoodsReceived: ProcurementEvent {
    /// What arrived of one order line, and where that line stands now.
    public struct Line: Hashable, Sendable {
        public let line: Int
        public let sku: SKU
        /// Units in this receipt.
        public let quantity: Int
        /// Units received on the line so far, this receipt included.
        public let received: Int
        public let ordered: Int
        public let closedShort: Bool
        /// Nothing more is expected on the line.
        public let complete: Bool

        public init(
            line: Int, sku: SKU, quantity: Int, received: Int, ordered: Int, closedShort: Bool, complete: Bool
        ) {
            self.line = line
            self.sku = sku
            self.quantity = quantity
            self.received = received
            self.ordered = ordered
            self.closedShort = closedShort
            self.complete = complete
        }
    }

    public let number: PurchaseOrderNumber
    public let receivedOn: Day
    public let expectedDelivery: Day
    public let lines: [Line]
    /// The order's status after the receipt: partially received, or received.
    public let status: PurchaseOrder.Status

    public init(
        number: PurchaseOrderNumber, receivedOn: Day, expectedDelivery: Day, lines: [Line], status: PurchaseOrder.Status
    ) {
        self.number = number
        self.receivedOn = receivedOn
        self.expectedDelivery = expectedDelivery
        self.lines = lines
        self.status = status
    }

    public var aggregateID: String { "po:\(number)" }
}

public struct InvoiceRegistered: ProcurementEvent {
    public let supplier: SupplierID
    public let number: InvoiceNumber
    public let purchaseOrder: PurchaseOrderNumber
    public let invoiceDate: Day
    public let total: Money
    public let lines: [InvoiceLine]
    /// Empty when the invoice matched at once (first pass).
    public let discrepancies: [Discrepancy]

    public init(
        supplier: SupplierID, number: InvoiceNumber, purchaseOrder: PurchaseOrderNumber, invoiceDate: Day, total: Money,
        lines: [InvoiceLine], discrepancies: [Discrepancy]
    ) {
        self.supplier = supplier
        self.number = number
        self.purchaseOrder = purchaseOrder
        self.invoiceDate = invoiceDate
        self.total = total
        self.lines = lines
        self.discrepancies = discrepancies
    }

    public var aggregateID: String { Invoice.aggregateID(supplier, number) }
}

/// A new match outcome, after more goods arrived or another invoice billed the same goods.
public struct InvoiceRematched: ProcurementEvent {
    public let supplier: SupplierID
    public let number: InvoiceNumber
    public let discrepancies: [Discrepancy]

    public init(supplier: SupplierID, number: InvoiceNumber, discrepancies: [Discrepancy]) {
        self.supplier = supplier
        self.number = number
        self.discrepancies = discrepancies
    }

    public var aggregateID: String { Invoice.aggregateID(supplier, number) }
}

public struct InvoiceApproved: ProcurementEvent {
    public let supplier: SupplierID
    public let number: InvoiceNumber
    public let purchaseOrder: PurchaseOrderNumber
    public let total: Money
    public let by: Principal
    /// Why a mismatched invoice was approved anyway; nil for a matched one.
    public let overrideReason: String?
    public let paymentDue: Day

    public init(
        supplier: SupplierID, number: InvoiceNumber, purchaseOrder: PurchaseOrderNumber, total: Money, by: Principal,
        overrideReason: String?, paymentDue: Day
    ) {
        self.supplier = supplier
        self.number = number
        self.purchaseOrder = purchaseOrder
        self.total = total
        self.by = by
        self.overrideReason = overrideReason
        self.paymentDue = paymentDue
    }

    public var aggregateID: String { Invoice.aggregateID(supplier, number) }
}

public struct InvoiceRejected: ProcurementEvent {
    public let supplier: SupplierID
    public let number: InvoiceNumber
    public let by: Principal
    public let reason: String

    public init(supplier: SupplierID, number: InvoiceNumber, by: Principal, reason: String) {
        self.supplier = supplier
        self.number = number
        self.by = by
        self.reason = reason
    }

    public var aggregateID: String { Invoice.aggregateID(supplier, number) }
}

public struct PaymentScheduled: ProcurementEvent {
    public let supplier: SupplierID
    public let number: InvoiceNumber
    public let due: Day
    public let amount: Money

    public init(supplier: SupplierID, number: InvoiceNumber, due: Day, amount: Money) {
        self.supplier = supplier
        self.number = number
        self.due = due
        self.amount = amount
    }

    public var aggregateID: String { Invoice.aggregateID(supplier, number) }
}

public struct PaymentMade: ProcurementEvent {
    public let supplier: SupplierID
    public let number: InvoiceNumber
    public let amount: Money
    public let paidOn: Day
    public let reference: String
    /// What is still owed after this payment.
    public let balance: Money

    public init(
        supplier: SupplierID, number: InvoiceNumber, amount: Money, paidOn: Day, reference: String, balance: Money
    ) {
        self.supplier = supplier
        self.number = number
        self.amount = amount
        self.paidOn = paidOn
        self.reference = reference
        self.balance = balance
    }

    public var aggregateID: String { Invoice.aggregateID(supplier, number) }
}

extension Invoice {
    /// `invoice:<supplier>/<number>`: invoice numbers are unique per supplier only.
    public static func aggregateID(_ supplier: SupplierID, _ number: InvoiceNumber) -> String {
        "invoice:\(supplier)/\(number)"
    }
}
