/// A supplier's invoice, procurement's second aggregate: matched three ways, approved, then paid.
///
/// Rules: the same supplier and number is one invoice (the repository refuses a second); only a
/// matched invoice is approved, unless the approver overrides with a written reason; approval fixes
/// the payment due date (invoice date + the supplier's terms); payments never exceed what is owed.
public struct Invoice: Sendable {
    public enum Status: String, Hashable, Sendable, CaseIterable {
        case matched, mismatched, approved, rejected, paid
    }

    public let supplier: SupplierID
    public let number: InvoiceNumber
    public let purchaseOrder: PurchaseOrderNumber
    public let invoiceDate: Day
    public let currency: Currency
    public let lines: [InvoiceLine]
    public private(set) var status: Status
    public private(set) var discrepancies: [Discrepancy]
    /// Set on approval.
    public private(set) var paymentDue: Day?
    public private(set) var paymentScheduled: Bool
    public private(set) var paid: Money
    public private(set) var version: Int
    public private(set) var events: [any ProcurementEvent] = []

    /// An invoice as a repository stored it.
    public init(
        supplier: SupplierID, number: InvoiceNumber, purchaseOrder: PurchaseOrderNumber, invoiceDate: Day,
        currency: Currency, lines: [InvoiceLine], status: Status, discrepancies: [Discrepancy], paymentDue: Day?,
        paymentScheduled: Bool, paid: Money, version: Int
    ) {
        self.supplier = supplier
        self.number = number
        self.purchaseOrder = purchaseOrder
        self.invoiceDate = invoiceDate
        self.currency = currency
        self.lines = lines
        self.status = status
        self.discrepancies = discrepancies
        self.paymentDue = paymentDue
        self.paymentScheduled = paymentScheduled
        self.paid = paid
        self.version = version
    }

    /// Registers an invoice against `order` and matches it; raises `InvoiceRegistered`.
    public static func register(
        _ command: RegisterInvoice, against order: PurchaseOrder, match: ThreeWayMatch
    ) throws(ProcurementError) -> Invoice {
        guard order.supplier == command.supplier else {
            throw .supplierMismatch(order: order.supplier, invoice: command.supplier)
        }
        guard [.approved, .partiallyReceived, .received].contains(order.status) else {
            throw .invalidState(
                document: "purchase order \(order.number)", status: order.status.rawValue, action: "invoice")
        }
        guard command.lines.count <= ProcurementError.maximumLines else { throw .tooManyLines(command.lines.count) }
        var skus: Set<SKU> = []
        for line in command.lines {
            guard line.unitPrice.currency == order.currency else {
                throw .currencyMismatch(expected: order.currency, got: line.unitPrice.currency)
            }
            guard skus.insert(line.sku).inserted else { throw .duplicateItem(line.sku) }
        }
        var total = Money.zero(order.currency)
        for line in command.lines { total = try total.adding(line.unitPrice.times(line.quantity)) }
        let discrepancies = match.discrepancies(of: command.lines, against: order)
        var invoice = Invoice(
            supplier: command.supplier, number: command.number, purchaseOrder: order.number,
            invoiceDate: command.invoiceDate, currency: order.currency, lines: command.lines,
            status: discrepancies.isEmpty ? .matched : .mismatched, discrepancies: discrepancies, paymentDue: nil,
            paymentScheduled: false, paid: .zero(order.currency), version: 1)
        invoice.events.append(
            InvoiceRegistered(
                supplier: command.supplier, number: command.number, purchaseOrder: order.number,
                invoiceDate: command.invoiceDate, total: total, lines: command.lines, discrepancies: discrepancies))
        return invoice
    }

    /// The sum of the lines (checked against the bound at registration).
    public var total: Money { try! Money.sum(lines.map(\.amount), in: currency) }

    /// What is still owed.
    public var balance: Money { try! total.subtracting(paid) }

    /// Matches again (more goods arrived, or another invoice was approved); raises
    /// `InvoiceRematched` when the outcome changed. Only an invoice awaiting approval is re-matched.
    public mutating func rematch(against order: PurchaseOrder, using match: ThreeWayMatch) {
        guard status == .matched || status == .mismatched else { return }
        let found = match.discrepancies(of: lines, against: order)
        guard found != discrepancies else { return }
        discrepancies = found
        status = found.isEmpty ? .matched : .mismatched
        changed(InvoiceRematched(supplier: supplier, number: number, discrepancies: found))
    }

    /// Approves a matched invoice, or a mismatched one when `overrideReason` says why; fixes the due date.
    public mutating func approve(by principal: Principal, overrideReason: String?, paymentTermsDays: Int)
        throws(ProcurementError)
    {
        try require([.matched, .mismatched], to: "approve")
        if status == .mismatched && overrideReason == nil {
            throw .invoiceNotMatched(discrepancies: discrepancies.count)
        }
        guard let due = try? invoiceDate.adding(days: paymentTermsDays) else { throw .amountOutOfRange }
        let override = status == .mismatched ? overrideReason : nil
        status = .approved
        paymentDue = due
        changed(
            InvoiceApproved(
                supplier: supplier, number: number, purchaseOrder: purchaseOrder, total: total, by: principal,
                overrideReason: override, paymentDue: due))
    }

    public mutating func reject(by principal: Principal, reason: String) throws(ProcurementError) {
        try require([.matched, .mismatched], to: "reject")
        status = .rejected
        changed(InvoiceRejected(supplier: supplier, number: number, by: principal, reason: reason))
    }

    /// Schedules the payment of an approved invoice; scheduling twice changes nothing.
    public mutating func schedulePayment() throws(ProcurementError) {
        guard !paymentScheduled else { return }
        try require([.approved, .paid], to: "schedule a payment for")
        paymentScheduled = true
        changed(PaymentScheduled(supplier: supplier, number: number, due: paymentDue!, amount: balance))
    }

    /// Records a payment towards the invoice; it is paid once nothing is owed.
    public mutating func recordPayment(_ amount: Money, on day: Day, reference: String) throws(ProcurementError) {
        try require([.approved], to: "pay")
        guard amount.currency == currency else { throw .currencyMismatch(expected: currency, got: amount.currency) }
        guard amount.minorUnits > 0, amount.minorUnits <= balance.minorUnits else {
            throw .overpayment(balance: balance, offered: amount)
        }
        paid = try paid.adding(amount)
        if balance.minorUnits == 0 { status = .paid }
        changed(
            PaymentMade(
                supplier: supplier, number: number, amount: amount, paidOn: day, reference: reference, balance: balance)
        )
    }

    public mutating func takeEvents() -> [any ProcurementEvent] {
        defer { events = [] }
        return events
    }

    private func require(_ allowed: Set<Status>, to action: String) throws(ProcurementError) {
        guard allowed.contains(status) else {
            throw .invalidState(
                document: "invoice \(number) of \(supplier)", status: status.rawValue, action: action)
        }
    }

    private mutating func changed(_ event: any ProcurementEvent) {
        version += 1
        events.append(event)
    }
}
