/// The purchase order, procurement's main aggregate: what is bought from one supplier, at which
/// prices, who asked and who approved, and what has arrived.
///
/// Rules it keeps whatever the sequence of commands:
/// - `total` is the sum of its items' amounts, always (it is computed, never stored apart);
/// - items change only in draft; only a submitted order is approved or rejected, and never by its
///   requester (segregation of duties);
/// - a receipt never exceeds what is outstanding on a line, and may close a line short;
/// - cancelling is allowed until the first receipt.
/// `version` lets the repository refuse a save from a stale copy, as `Product`'s does.
public struct PurchaseOrder: Sendable {
    public enum Status: String, Hashable, Sendable, CaseIterable {
        case draft, submitted, approved, rejected, cancelled
        case partiallyReceived = "partially_received"
        case received
    }

    public let number: PurchaseOrderNumber
    public let supplier: SupplierID
    public let currency: Currency
    public let requester: Principal
    public let expectedDelivery: Day
    public private(set) var items: [PurchaseOrderItem]
    public private(set) var status: Status
    public private(set) var approver: Principal?
    public private(set) var version: Int
    public private(set) var events: [any ProcurementEvent] = []

    /// An order as a repository stored it.
    public init(
        number: PurchaseOrderNumber, supplier: SupplierID, currency: Currency, requester: Principal,
        expectedDelivery: Day, items: [PurchaseOrderItem], status: Status, approver: Principal?, version: Int
    ) {
        self.number = number
        self.supplier = supplier
        self.currency = currency
        self.requester = requester
        self.expectedDelivery = expectedDelivery
        self.items = items
        self.status = status
        self.approver = approver
        self.version = version
    }

    /// A new draft order from `supplier`, in its currency; raises `PurchaseOrderCreated`.
    public static func create(_ command: CreatePurchaseOrder, supplier: Supplier) -> PurchaseOrder {
        var order = PurchaseOrder(
            number: command.number, supplier: supplier.id, currency: supplier.currency, requester: command.requester,
            expectedDelivery: command.expectedDelivery, items: [], status: .draft, approver: nil, version: 1)
        order.events.append(
            PurchaseOrderCreated(
                number: command.number, supplier: supplier.id, currency: supplier.currency,
                requester: command.requester, expectedDelivery: command.expectedDelivery))
        return order
    }

    /// The sum of the items' amounts.
    public var total: Money {
        // Each addition was checked against the bound when its item was added.
        try! Money.sum(items.map(\.amount), in: currency)
    }

    /// Adds a line of `sku` and returns its line number (one more than the highest so far).
    @discardableResult
    public mutating func addItem(sku: SKU, quantity: Int, unitPrice: Money) throws(ProcurementError) -> Int {
        try require([.draft], to: "add items to")
        guard unitPrice.currency == currency else {
            throw .currencyMismatch(expected: currency, got: unitPrice.currency)
        }
        guard !items.contains(where: { $0.sku == sku }) else { throw .duplicateItem(sku) }
        guard items.count < ProcurementError.maximumLines else { throw .tooManyLines(items.count + 1) }
        let newTotal = try total.adding(unitPrice.times(quantity))
        let line = (items.map(\.line).max() ?? 0) + 1
        items.append(PurchaseOrderItem(line: line, sku: sku, quantity: quantity, unitPrice: unitPrice))
        changed(
            PurchaseOrderItemAdded(
                number: number, line: line, sku: sku, quantity: quantity, unitPrice: unitPrice, total: newTotal))
        return line
    }

    public mutating func removeItem(line: Int) throws(ProcurementError) {
        try require([.draft], to: "remove items from")
        guard let index = items.firstIndex(where: { $0.line == line }) else { throw .unknownLine(line) }
        items.remove(at: index)
        changed(PurchaseOrderItemRemoved(number: number, line: line, total: total))
    }

    public mutating func submit(by principal: Principal) throws(ProcurementError) {
        try require([.draft], to: "submit")
        guard !items.isEmpty else { throw .emptyOrder(number) }
        status = .submitted
        changed(PurchaseOrderSubmitted(number: number, total: total, by: principal))
    }

    /// Approves a submitted order; its items become stock on order (a policy creates the batches).
    public mutating func approve(by principal: Principal) throws(ProcurementError) {
        try require([.submitted], to: "approve")
        guard principal != requester else { throw .selfApproval(principal) }
        status = .approved
        approver = principal
        changed(
            PurchaseOrderApproved(
                number: number, supplier: supplier, total: total, expectedDelivery: expectedDelivery, by: principal,
                items: items))
    }

    public mutating func reject(by principal: Principal, reason: String) throws(ProcurementError) {
        try require([.submitted], to: "reject")
        guard principal != requester else { throw .selfApproval(principal) }
        status = .rejected
        changed(PurchaseOrderRejected(number: number, by: principal, reason: reason))
    }

    /// Cancels the order, at any point before goods arrived.
    public mutating func cancel(by principal: Principal, reason: String) throws(ProcurementError) {
        try require([.draft, .submitted, .approved], to: "cancel")
        let wasApproved = status == .approved
        status = .cancelled
        changed(
            PurchaseOrderCancelled(
                number: number, by: principal, reason: reason, items: wasApproved ? items : []))
    }

    /// Records goods that arrived on `day`. Every line of the receipt is checked before any changes.
    public mutating func receive(_ lines: [ReceiptLine], on day: Day) throws(ProcurementError) {
        try require([.approved, .partiallyReceived], to: "receive goods for")
        guard !lines.isEmpty else { throw .unknownLine(0) }
        guard lines.count <= ProcurementError.maximumLines else { throw .tooManyLines(lines.count) }
        var updated = items
        var received: [GoodsReceived.Line] = []
        for receipt in lines {
            guard let index = updated.firstIndex(where: { $0.line == receipt.line }) else {
                throw .unknownLine(receipt.line)
            }
            let outstanding = updated[index].outstanding
            guard receipt.quantity <= outstanding, receipt.quantity > 0 || receipt.closeShort, outstanding > 0
            else {
                throw .overReceipt(line: receipt.line, outstanding: outstanding, received: receipt.quantity)
            }
            updated[index].received += receipt.quantity
            if receipt.closeShort && updated[index].received < updated[index].quantity {
                updated[index].closedShort = true
            }
            let item = updated[index]
            received.append(
                GoodsReceived.Line(
                    line: item.line, sku: item.sku, quantity: receipt.quantity, received: item.received,
                    ordered: item.quantity, closedShort: item.closedShort, complete: item.isComplete))
        }
        items = updated
        status = items.allSatisfy(\.isComplete) ? .received : .partiallyReceived
        changed(
            GoodsReceived(
                number: number, receivedOn: day, expectedDelivery: expectedDelivery, lines: received, status: status))
    }

    /// Notes the units an approved invoice bills, so that no other invoice bills them again.
    public mutating func recordInvoiced(_ lines: [InvoiceLine]) {
        for line in lines {
            guard let index = items.firstIndex(where: { $0.sku == line.sku }) else { continue }
            items[index].invoiced += line.quantity
        }
        version += 1
    }

    /// The item of `sku`, if the order has one.
    public func item(_ sku: SKU) -> PurchaseOrderItem? { items.first { $0.sku == sku } }

    public mutating func takeEvents() -> [any ProcurementEvent] {
        defer { events = [] }
        return events
    }

    private func require(_ allowed: Set<Status>, to action: String) throws(ProcurementError) {
        guard allowed.contains(status) else {
            throw .invalidState(document: "purchase order \(number)", status: status.rawValue, action: action)
        }
    }

    private mutating func changed(_ event: any ProcurementEvent) {
        version += 1
        events.append(event)
    }
}

/// One line of a goods receipt: units of an order line that arrived, and whether to close it short.
public struct ReceiptLine: Hashable, Sendable {
    public let line: Int
    public let quantity: Int
    public let closeShort: Bool

    public init(line: Int, quantity: Int, closeShort: Bool = false) throws(DomainError) {
        self.line = line
        self.quantity = try Quantity.batch(quantity, field: "qty")
        self.closeShort = closeShort
    }
}
