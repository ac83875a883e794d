import Contracts
import Foundation
import GRDB

/// Procurement's read model (see `ProcurementSchema`): the documents, and the KPIs' buckets kept
/// as the events happen.
///
/// Everything derives from event fields (times from the envelope's `occurred_at`, days as its UTC
/// day), never from the clock, so a rebuild gives the same rows. Each event writes its documents'
/// rows as it is applied; its counters (KPI buckets, supplier totals, the reorder list) are added up
/// in `Pending` and written once per batch by `flush`, in the same transaction. Only the read of
/// "now" (payments due in the next days) uses the clock, at query time.
enum ProcurementProjection: Projection {
    static func apply(_ event: EventEnvelope, in batch: inout ProjectionBatch) throws {
        // Most of a log is allocation's events, which this projection does not read (except
        // `OutOfStock`): they leave before the event's time is formatted for the day buckets.
        switch event.payload {
        case .batchCreated, .allocated, .deallocated, .batchQuantityChanged, .batchArrived: return
        default: break
        }
        var context = Context(event: event)
        switch event.payload {
        case .supplierCreated(let p): try supplierCreated(p, &context, &batch)
        case .purchaseOrderCreated(let p): try orderCreated(p, &context, &batch)
        case .purchaseOrderItemAdded(let p):
            guard let order = try cachedOrder(p.number, &batch) else { return }
            try order.setItem(line: p.line, sku: p.sku, ordered: p.quantity, unitPrice: p.unitPrice, batch.db)
            totalChanged(order, to: p.total, &context, &batch)
        case .purchaseOrderItemRemoved(let p):
            guard let order = try cachedOrder(p.number, &batch) else { return }
            try order.removeLine(p.line, batch.db)
            totalChanged(order, to: p.total, &context, &batch)
        case .purchaseOrderSubmitted(let p):
            guard let order = try cachedOrder(p.number, &batch) else { return }
            batch.procurement.moveDocument(
                .order, order.supplier, from: order.status, to: "submitted", order.currency, order.total)
            order.status = "submitted"
            order.submittedAt = context.time
            order.touch(event.position)
        case .purchaseOrderApproved(let p): try orderApproved(p, &context, &batch)
        case .purchaseOrderRejected(let p):
            guard let order = try cachedOrder(p.number, &batch) else { return }
            close(order, status: "rejected", by: p.by, reason: p.reason, &context, &batch)
            context.day.ordersRejected = 1
            batch.procurement.add(context.day, day: context.dayKey, order.currency)
        case .purchaseOrderCancelled(let p):
            guard let order = try cachedOrder(p.number, &batch) else { return }
            if order.isOpen {
                // What was still to come is no longer on order.
                for line in try order.lines(batch.db).values where line.outstanding > 0 {
                    batch.procurement.changeCover(of: line.sku, by: -1)
                }
            }
            close(order, status: "cancelled", by: p.by, reason: p.reason, &context, &batch)
            context.day.ordersCancelled = 1
            batch.procurement.add(context.day, day: context.dayKey, order.currency)
        case .goodsReceived(let p): try goodsReceived(p, &context, &batch)
        case .invoiceRegistered(let p): try invoiceRegistered(p, &context, &batch)
        case .invoiceRematched(let p):
            guard let invoice = try cachedInvoice(p.supplier, p.number, &batch) else { return }
            let status = p.discrepancies.isEmpty ? "matched" : "mismatched"
            batch.procurement.moveDocument(
                .invoice, p.supplier, from: invoice.status, to: status, invoice.currency, invoice.total)
            invoice.status = status
            invoice.discrepancies = try DiscrepancyJSON.encode(p.discrepancies)
            invoice.touch(event.position)
        case .invoiceApproved(let p): try invoiceApproved(p, &context, &batch)
        case .invoiceRejected(let p):
            guard let invoice = try cachedInvoice(p.supplier, p.number, &batch) else { return }
            if invoice.isAwaitingApproval {
                batch.procurement.changeAwaiting(invoice.currency, count: -1, value: -invoice.total)
            }
            batch.procurement.moveDocument(
                .invoice, p.supplier, from: invoice.status, to: "rejected", invoice.currency, invoice.total)
            invoice.status = "rejected"
            invoice.rejectedBy = p.by
            invoice.rejectReason = p.reason
            invoice.rejectedAt = context.time
            invoice.touch(event.position)
        case .paymentScheduled(let p):
            guard let invoice = try cachedInvoice(p.supplier, p.number, &batch) else { return }
            guard !invoice.scheduled else { return }
            if invoice.balance > 0 {
                batch.procurement.changeDue(p.due, invoice.currency, invoices: 1, balance: invoice.balance)
            }
            invoice.scheduled = true
            invoice.paymentDue = p.due
            invoice.touch(event.position)
        case .paymentMade(let p): try paymentMade(p, &context, &batch)
        case .outOfStock(let p):
            batch.procurement.outOfStock(p.sku, units: p.quantity, at: context.time)
        default:
            break  // allocation's events: its own projections
        }
    }

    // MARK: Suppliers and orders

    private static func supplierCreated(
        _ p: SupplierCreatedPayload, _ context: inout Context, _ batch: inout ProjectionBatch
    ) throws {
        try batch.run(
            """
            INSERT INTO suppliers (supplier, name, currency, terms_days, created_at, position) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (supplier) DO NOTHING
            """, p.supplier, p.name, p.currency, p.termsDays, context.time, context.event.position)
    }

    private static func orderCreated(
        _ p: PurchaseOrderCreatedPayload, _ context: inout Context, _ batch: inout ProjectionBatch
    ) throws {
        // An order that exists already stays as it is.
        guard batch.procurement.orders[IdentifierKey(p.number)] == nil,
            try !batch.exists("SELECT 1 FROM purchase_orders WHERE po = ?", p.number)
        else { return }
        batch.procurement.orders[IdentifierKey(p.number)] = Order(
            number: p.number, supplier: p.supplier, currency: p.currency, requester: p.requester,
            expectedDelivery: p.expectedDelivery, createdAt: context.time, position: context.event.position)
        context.day.ordersCreated = 1
        batch.procurement.add(context.day, day: context.dayKey, p.currency)
        batch.procurement.changeDocuments(.order, p.supplier, "draft", p.currency, count: 1, value: 0)
    }

    /// An item was added or removed in draft: the order's total, its creation day's value and its
    /// supplier's draft value follow.
    private static func totalChanged(
        _ order: Order, to total: Int, _ context: inout Context, _ batch: inout ProjectionBatch
    ) {
        let delta = total - order.total
        order.total = total
        order.touch(context.event.position)
        guard delta != 0 else { return }
        var created = DayFigures()
        created.ordersCreatedValue = delta
        batch.procurement.add(created, day: order.createdDay, order.currency)
        batch.procurement.changeDocuments(.order, order.supplier, order.status, order.currency, count: 0, value: delta)
    }

    private static func orderApproved(
        _ p: PurchaseOrderApprovedPayload, _ context: inout Context, _ batch: inout ProjectionBatch
    ) throws {
        guard let order = try cachedOrder(p.number, &batch) else { return }
        context.day.ordersApproved = 1
        context.day.ordersApprovedValue = p.total
        if let submitted = order.submittedAt.flatMap(WireTimestamp.parse) {
            context.day.approvalCycles = 1
            context.day.approvalCycleMilliseconds = Int(
                ((context.event.occurredAt.timeIntervalSince1970 - submitted.timeIntervalSince1970) * 1000).rounded())
        }
        batch.procurement.add(context.day, day: context.dayKey, order.currency)
        batch.procurement.moveDocument(
            .order, order.supplier, from: order.status, to: "approved", order.currency, order.total)
        // Every item is on order now: its SKU is covered.
        for item in p.items where item.quantity > 0 {
            batch.procurement.changeCover(of: item.sku, by: 1)
        }
        order.status = "approved"
        order.approver = p.by
        order.approvedAt = context.time
        order.touch(context.event.position)
    }

    private static func close(
        _ order: Order, status: String, by: String, reason: String, _ context: inout Context,
        _ batch: inout ProjectionBatch
    ) {
        batch.procurement.moveDocument(
            .order, order.supplier, from: order.status, to: status, order.currency, order.total)
        order.status = status
        order.closedBy = by
        order.closeReason = reason
        order.closedAt = context.time
        order.touch(context.event.position)
    }

    private static func goodsReceived(
        _ p: GoodsReceivedPayload, _ context: inout Context, _ batch: inout ProjectionBatch
    ) throws {
        guard let order = try cachedOrder(p.number, &batch) else { return }
        let before = try order.lines(batch.db)
        for line in p.lines {
            try order.changeLines(batch.db, where: { $0.line == line.line }) {
                $0.received = line.received
                $0.closedShort = line.closedShort
            }
            // A line that had units outstanding and has none now no longer covers its SKU.
            if line.complete, order.isOpen, let was = before[line.line], was.outstanding > 0 {
                batch.procurement.changeCover(of: line.sku, by: -1)
            }
            // A delivery line: one that brought goods (closing a line short with nothing is no delivery).
            if line.quantity > 0 {
                context.day.receiptLines += 1
                if p.receivedOn <= p.expectedDelivery { context.day.receiptLinesOnTime += 1 }
            }
        }
        batch.procurement.add(context.day, day: context.dayKey, order.currency)
        batch.procurement.moveDocument(
            .order, order.supplier, from: order.status, to: p.status, order.currency, order.total)
        order.status = p.status
        order.touch(context.event.position)
    }

    // MARK: Invoices and payments

    private static func invoiceRegistered(
        _ p: InvoiceRegisteredPayload, _ context: inout Context, _ batch: inout ProjectionBatch
    ) throws {
        // The same supplier's invoice number twice: the first stays as it is.
        let key = InvoiceKey(supplier: IdentifierKey(p.supplier), number: IdentifierKey(p.number))
        guard batch.procurement.invoices[key] == nil,
            try !batch.exists("SELECT 1 FROM invoices WHERE supplier = ? AND invoice = ?", p.supplier, p.number)
        else { return }
        let matched = p.discrepancies.isEmpty
        let status = matched ? "matched" : "mismatched"
        batch.procurement.invoices[key] = Invoice(
            supplier: p.supplier, number: p.number, purchaseOrder: p.purchaseOrder, status: status,
            invoiceDate: p.invoiceDate, currency: p.currency, total: p.total,
            discrepancies: try DiscrepancyJSON.encode(p.discrepancies), registeredAt: context.time,
            position: context.event.position,
            lines: p.lines.map { .init(sku: $0.sku, quantity: $0.quantity, unitPrice: $0.unitPrice) })
        context.day.invoicesRegistered = 1
        context.day.invoicesFirstPassMatched = matched ? 1 : 0
        batch.procurement.add(context.day, day: context.dayKey, p.currency)
        batch.procurement.changeAwaiting(p.currency, count: 1, value: p.total)
        batch.procurement.changeDocuments(.invoice, p.supplier, status, p.currency, count: 1, value: p.total)
    }

    private static func invoiceApproved(
        _ p: InvoiceApprovedPayload, _ context: inout Context, _ batch: inout ProjectionBatch
    ) throws {
        guard let invoice = try cachedInvoice(p.supplier, p.number, &batch) else { return }
        if invoice.isAwaitingApproval {
            batch.procurement.changeAwaiting(invoice.currency, count: -1, value: -invoice.total)
        }
        batch.procurement.moveDocument(
            .invoice, p.supplier, from: invoice.status, to: "approved", invoice.currency, invoice.total)
        invoice.status = "approved"
        invoice.approvedBy = p.by
        invoice.overrideReason = p.overrideReason
        invoice.paymentDue = p.paymentDue
        invoice.approvedAt = context.time
        invoice.touch(context.event.position)
        // The goods it bills are invoiced on the order, line by SKU (a SKU not ordered bills no line).
        if let order = try cachedOrder(invoice.purchaseOrder, &batch) {
            for line in try invoice.lines(batch.db) {
                try order.changeLines(batch.db, where: { IdentifierKey($0.sku) == IdentifierKey(line.sku) }) {
                    $0.invoiced += line.quantity
                }
            }
        }
        // Spend: the approved total, on the day of approval.
        batch.procurement.changeMoney(p.supplier, invoice.currency, spend: invoice.total, paid: 0)
        context.day.invoicesApproved = 1
        context.day.invoicesApprovedValue = invoice.total
        batch.procurement.add(context.day, day: context.dayKey, invoice.currency)
        // Its supplier's running total grows from that day on.
        batch.procurement.addSpend(p.supplier, invoice.currency, on: context.dayKey, invoice.total)
    }

    private static func paymentMade(
        _ p: PaymentMadePayload, _ context: inout Context, _ batch: inout ProjectionBatch
    ) throws {
        guard let invoice = try cachedInvoice(p.supplier, p.number, &batch) else { return }
        try batch.run(
            """
            INSERT INTO invoice_payments (position, supplier, invoice, amount, currency, paid_on, reference, occurred_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, context.event.position, p.supplier, p.number, p.amount, p.currency, p.paidOn, p.reference,
            context.time)
        let balance = invoice.balance - p.amount
        let status = balance == 0 ? "paid" : invoice.status
        batch.procurement.moveDocument(
            .invoice, p.supplier, from: invoice.status, to: status, invoice.currency, invoice.total)
        batch.procurement.changeMoney(p.supplier, invoice.currency, spend: 0, paid: p.amount)
        if invoice.scheduled, let due = invoice.paymentDue, invoice.balance > 0 {
            batch.procurement.changeDue(due, invoice.currency, invoices: balance == 0 ? -1 : 0, balance: -p.amount)
        }
        invoice.paid += p.amount
        invoice.status = status
        invoice.touch(context.event.position)
        context.day.payments = 1
        context.day.paymentsValue = p.amount
        batch.procurement.add(context.day, day: context.dayKey, invoice.currency)
    }

    // MARK: Counters

    enum DocumentKind: String { case order, invoice }

    // MARK: The event

    /// The event being applied, its time as text and its UTC day, and what it adds to that day.
    struct Context {
        let event: EventEnvelope
        let time: String
        let dayKey: String
        var day = DayFigures()

        init(event: EventEnvelope) {
            self.event = event
            time = Timestamps.format(event.occurredAt)
            dayKey = String(decoding: time.utf8.prefix(10), as: UTF8.self)  // ASCII: no walk by Character
        }
    }
}

/// What one event adds to its day's bucket in `procurement_days` (and its month's in `procurement_months`).
struct DayFigures {
    var ordersCreated = 0
    var ordersCreatedValue = 0
    var ordersApproved = 0
    var ordersApprovedValue = 0
    var approvalCycles = 0
    var approvalCycleMilliseconds = 0
    var ordersRejected = 0
    var ordersCancelled = 0
    var receiptLines = 0
    var receiptLinesOnTime = 0
    var invoicesRegistered = 0
    var invoicesFirstPassMatched = 0
    var invoicesApproved = 0
    var invoicesApprovedValue = 0
    var payments = 0
    var paymentsValue = 0

    /// One upsert of these figures into a bucket: the day's statement or the month's, same columns.
    func add(_ sql: StaticString, _ bucket: ProcurementProjection.Bucket, _ batch: inout ProjectionBatch) throws {
        try batch.run(
            sql, bucket.key.text, bucket.currency, ordersCreated, ordersCreatedValue, ordersApproved,
            ordersApprovedValue,
            approvalCycles, approvalCycleMilliseconds, ordersRejected, ordersCancelled, receiptLines,
            receiptLinesOnTime, invoicesRegistered, invoicesFirstPassMatched, invoicesApproved,
            invoicesApprovedValue, payments, paymentsValue)
    }

    static let toDay: StaticString =
        """
        INSERT INTO procurement_days (
            day, currency, orders_created, orders_created_value, orders_approved, orders_approved_value,
            approval_cycles, approval_cycle_ms, orders_rejected, orders_cancelled, receipt_lines,
            receipt_lines_on_time, invoices_registered, invoices_first_pass_matched, invoices_approved,
            invoices_approved_value, payments, payments_value)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (day, currency) DO UPDATE SET
            orders_created = orders_created + excluded.orders_created,
            orders_created_value = orders_created_value + excluded.orders_created_value,
            orders_approved = orders_approved + excluded.orders_approved,
            orders_approved_value = orders_approved_value + excluded.orders_approved_value,
            approval_cycles = approval_cycles + excluded.approval_cycles,
            approval_cycle_ms = approval_cycle_ms + excluded.approval_cycle_ms,
            orders_rejected = orders_rejected + excluded.orders_rejected,
            orders_cancelled = orders_cancelled + excluded.orders_cancelled,
            receipt_lines = receipt_lines + excluded.receipt_lines,
            receipt_lines_on_time = receipt_lines_on_time + excluded.receipt_lines_on_time,
            invoices_registered = invoices_registered + excluded.invoices_registered,
            invoices_first_pass_matched = invoices_first_pass_matched + excluded.invoices_first_pass_matched,
            invoices_approved = invoices_approved + excluded.invoices_approved,
            invoices_approved_value = invoices_approved_value + excluded.invoices_approved_value,
            payments = payments + excluded.payments,
            payments_value = payments_value + excluded.payments_value
        """

    static let toMonth: StaticString =
        """
        INSERT INTO procurement_months (
            month, currency, orders_created, orders_created_value, orders_approved, orders_approved_value,
            approval_cycles, approval_cycle_ms, orders_rejected, orders_cancelled, receipt_lines,
            receipt_lines_on_time, invoices_registered, invoices_first_pass_matched, invoices_approved,
            invoices_approved_value, payments, payments_value)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (month, currency) DO UPDATE SET
            orders_created = orders_created + excluded.orders_created,
            orders_created_value = orders_created_value + excluded.orders_created_value,
            orders_approved = orders_approved + excluded.orders_approved,
            orders_approved_value = orders_approved_value + excluded.orders_approved_value,
            approval_cycles = approval_cycles + excluded.approval_cycles,
            approval_cycle_ms = approval_cycle_ms + excluded.approval_cycle_ms,
            orders_rejected = orders_rejected + excluded.orders_rejected,
            orders_cancelled = orders_cancelled + excluded.orders_cancelled,
            receipt_lines = receipt_lines + excluded.receipt_lines,
            receipt_lines_on_time = receipt_lines_on_time + excluded.receipt_lines_on_time,
            invoices_registered = invoices_registered + excluded.invoices_registered,
            invoices_first_pass_matched = invoices_first_pass_matched + excluded.invoices_first_pass_matched,
            invoices_approved = invoices_approved + excluded.invoices_approved,
            invoices_approved_value = invoices_approved_value + excluded.invoices_approved_value,
            payments = payments + excluded.payments,
            payments_value = payments_value + excluded.payments_value
        """
}

/// An invoice's discrepancies as the JSON array the events carry, in a canonical form (keys sorted,
/// compact) so a rebuild writes the same text.
enum DiscrepancyJSON {
    struct Item: Codable, Sendable, Equatable {
        var sku: String
        var kind: String
        var invoiced: Int
        var expected: Int
    }

    static func encode(_ discrepancies: [DiscrepancyPayload]) throws -> String {
        guard !discrepancies.isEmpty else { return "[]" }  // most invoices: no encoder needed
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let items = discrepancies.map { Item(sku: $0.sku, kind: $0.kind, invoiced: $0.invoiced, expected: $0.expected) }
        return String(decoding: try encoder.encode(items), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [Item] {
        try JSONDecoder().decode([Item].self, from: Data(text.utf8))
    }
}
