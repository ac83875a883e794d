import Contracts
import GRDB

/// Orders and invoices as a batch's events change them, written once each when the batch flushes.
/// One object per document per batch, owned by the batch's `Pending` and changed in place.
///
/// An order lives through ten events or so (created, items, submitted, approved, received,
/// invoiced); applying each as its own UPDATE rewrote the same row and lines again and again. Here
/// each document is read at most once per transaction (only when an event meets one the batch has not
/// seen), changed in memory, and written at `flush` as one upsert per changed row: the rows at the
/// commit are the same as event-by-event statements leave, for a third of the statements.
extension ProcurementProjection {
    final class Order {
        let number: String
        let supplier: String
        let currency: String
        let requester: String
        let expectedDelivery: String
        var status: String
        var total: Int
        var approver: String?
        let createdAt: String
        var submittedAt: String?
        var approvedAt: String?
        var closedBy: String?
        var closeReason: String?
        var closedAt: String?
        var lastPosition: Int
        /// By line number; nil until an event of the batch needs them.
        private var lines: [Int: Line]?
        /// What `write` has to write: the order's row, lines to upsert, lines to delete.
        private var changed = false
        private var changedLines: Set<Int> = []
        private var removedLines: Set<Int> = []

        struct Line {
            let line: Int
            var sku: String
            var ordered: Int
            var unitPrice: Int
            var received = 0
            var closedShort = false
            /// Units billed by approved invoices.
            var invoiced = 0

            var outstanding: Int { closedShort ? 0 : ordered - received }
        }

        /// A new draft, with no lines yet.
        convenience init(
            number: String, supplier: String, currency: String, requester: String, expectedDelivery: String,
            createdAt: String, position: Int
        ) {
            self.init(
                number: number, supplier: supplier, currency: currency, requester: requester,
                expectedDelivery: expectedDelivery, status: "draft", total: 0, createdAt: createdAt,
                lastPosition: position)
            lines = [:]
            changed = true
        }

        private init(
            number: String, supplier: String, currency: String, requester: String, expectedDelivery: String,
            status: String, total: Int, approver: String? = nil, createdAt: String, submittedAt: String? = nil,
            approvedAt: String? = nil, closedBy: String? = nil, closeReason: String? = nil, closedAt: String? = nil,
            lastPosition: Int
        ) {
            self.number = number
            self.supplier = supplier
            self.currency = currency
            self.requester = requester
            self.expectedDelivery = expectedDelivery
            self.status = status
            self.total = total
            self.approver = approver
            self.createdAt = createdAt
            self.submittedAt = submittedAt
            self.approvedAt = approvedAt
            self.closedBy = closedBy
            self.closeReason = closeReason
            self.closedAt = closedAt
            self.lastPosition = lastPosition
        }

        var createdDay: String { String(createdAt.prefix(10)) }
        /// Approved or partially received: its outstanding lines are stock on order.
        var isOpen: Bool { status == "approved" || status == "partially_received" }

        /// Marks the order's row changed by the event at `position`.
        func touch(_ position: Int) {
            lastPosition = position
            changed = true
        }

        /// The lines, read from the database the first time an event of the batch needs them.
        func lines(_ db: Database) throws -> [Int: Line] {
            if let lines { return lines }
            let read = try Self.fetchLines(number, db)
            lines = read
            return read
        }

        /// Adds or replaces a line's item (what was received or invoiced on it stays).
        func setItem(line: Int, sku: String, ordered: Int, unitPrice: Int, _ db: Database) throws {
            _ = try lines(db)
            if lines![line] == nil {
                lines![line] = Line(line: line, sku: sku, ordered: ordered, unitPrice: unitPrice)
            } else {
                lines![line]!.sku = sku
                lines![line]!.ordered = ordered
                lines![line]!.unitPrice = unitPrice
            }
            changedLines.insert(line)
            removedLines.remove(line)
        }

        func removeLine(_ line: Int, _ db: Database) throws {
            _ = try lines(db)
            lines?[line] = nil
            changedLines.remove(line)
            removedLines.insert(line)
        }

        /// Changes every existing line `matching`; lines the order does not have are left alone.
        func changeLines(
            _ db: Database, where matching: (Line) -> Bool, _ change: (inout Line) -> Void
        ) throws {
            for number in try lines(db).keys {
                guard matching(lines![number]!) else { continue }
                change(&lines![number]!)
                changedLines.insert(number)
            }
        }

        static func fetch(_ number: String, _ db: Database) throws -> Order? {
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT supplier, currency, requester, expected_delivery, status, total, approver,
                                created_at, submitted_at, approved_at, closed_by, close_reason, closed_at, last_position
                            FROM purchase_orders WHERE po = ?
                            """), arguments: [number])
            else { return nil }
            return Order(
                number: number, supplier: row["supplier"], currency: row["currency"], requester: row["requester"],
                expectedDelivery: row["expected_delivery"], status: row["status"], total: row["total"],
                approver: row["approver"], createdAt: row["created_at"], submittedAt: row["submitted_at"],
                approvedAt: row["approved_at"], closedBy: row["closed_by"], closeReason: row["close_reason"],
                closedAt: row["closed_at"], lastPosition: row["last_position"])
        }

        private static func fetchLines(_ number: String, _ db: Database) throws -> [Int: Line] {
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT line, sku, ordered, unit_price, received, closed_short, invoiced
                        FROM purchase_order_lines WHERE po = ?
                        """), arguments: [number])
            var lines: [Int: Line] = [:]
            for row in rows {
                let line = Line(
                    line: row["line"], sku: row["sku"], ordered: row["ordered"], unitPrice: row["unit_price"],
                    received: row["received"], closedShort: row["closed_short"] as Int == 1, invoiced: row["invoiced"])
                lines[line.line] = line
            }
            return lines
        }

        /// Writes what the batch changed: the row, then each changed or removed line.
        func write(_ batch: inout ProjectionBatch) throws {
            if changed {
                try batch.run(
                    """
                    INSERT INTO purchase_orders (
                        po, supplier, currency, requester, expected_delivery, status, total, approver, created_at,
                        submitted_at, approved_at, closed_by, close_reason, closed_at, last_position)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (po) DO UPDATE SET
                        status = excluded.status, total = excluded.total, approver = excluded.approver,
                        submitted_at = excluded.submitted_at, approved_at = excluded.approved_at,
                        closed_by = excluded.closed_by, close_reason = excluded.close_reason,
                        closed_at = excluded.closed_at, last_position = excluded.last_position
                    """, number, supplier, currency, requester, expectedDelivery, status, total, approver, createdAt,
                    submittedAt, approvedAt, closedBy, closeReason, closedAt, lastPosition)
            }
            for line in removedLines {
                try batch.run("DELETE FROM purchase_order_lines WHERE po = ? AND line = ?", number, line)
            }
            for number in changedLines {
                guard let line = lines?[number] else { continue }
                try batch.run(
                    """
                    INSERT INTO purchase_order_lines (po, line, sku, ordered, unit_price, received, closed_short, invoiced)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (po, line) DO UPDATE SET
                        sku = excluded.sku, ordered = excluded.ordered, unit_price = excluded.unit_price,
                        received = excluded.received, closed_short = excluded.closed_short,
                        invoiced = excluded.invoiced
                    """, self.number, line.line, line.sku, line.ordered, line.unitPrice, line.received,
                    line.closedShort ? 1 : 0, line.invoiced)
            }
        }
    }

    final class Invoice {
        let supplier: String
        let number: String
        let purchaseOrder: String
        var status: String
        let invoiceDate: String
        let currency: String
        let total: Int
        /// The latest match outcome as `DiscrepancyJSON` text.
        var discrepancies: String
        let firstPassMatched: Bool
        var approvedBy: String?
        var overrideReason: String?
        var paymentDue: String?
        var scheduled: Bool
        var paid: Int
        var rejectedBy: String?
        var rejectReason: String?
        let registeredAt: String
        let registeredPosition: Int
        var approvedAt: String?
        var rejectedAt: String?
        var lastPosition: Int
        /// In the order the invoice lists them; nil until an event of the batch needs them.
        private var lines: [Line]?
        private var changed = false
        /// A new invoice: its lines are written with it (they never change afterwards).
        private var isNew = false

        struct Line {
            let sku: String
            let quantity: Int
            let unitPrice: Int
        }

        var balance: Int { total - paid }
        var isAwaitingApproval: Bool { status == "matched" || status == "mismatched" }

        /// A newly registered invoice.
        convenience init(
            supplier: String, number: String, purchaseOrder: String, status: String, invoiceDate: String,
            currency: String, total: Int, discrepancies: String, registeredAt: String, position: Int,
            lines: [Line]
        ) {
            self.init(
                supplier: supplier, number: number, purchaseOrder: purchaseOrder, status: status,
                invoiceDate: invoiceDate, currency: currency, total: total, discrepancies: discrepancies,
                firstPassMatched: status == "matched", scheduled: false, paid: 0, registeredAt: registeredAt,
                registeredPosition: position, lastPosition: position)
            self.lines = lines
            changed = true
            isNew = true
        }

        private init(
            supplier: String, number: String, purchaseOrder: String, status: String, invoiceDate: String,
            currency: String, total: Int, discrepancies: String, firstPassMatched: Bool, approvedBy: String? = nil,
            overrideReason: String? = nil, paymentDue: String? = nil, scheduled: Bool, paid: Int,
            rejectedBy: String? = nil, rejectReason: String? = nil, registeredAt: String, registeredPosition: Int,
            approvedAt: String? = nil, rejectedAt: String? = nil, lastPosition: Int
        ) {
            self.supplier = supplier
            self.number = number
            self.purchaseOrder = purchaseOrder
            self.status = status
            self.invoiceDate = invoiceDate
            self.currency = currency
            self.total = total
            self.discrepancies = discrepancies
            self.firstPassMatched = firstPassMatched
            self.approvedBy = approvedBy
            self.overrideReason = overrideReason
            self.paymentDue = paymentDue
            self.scheduled = scheduled
            self.paid = paid
            self.rejectedBy = rejectedBy
            self.rejectReason = rejectReason
            self.registeredAt = registeredAt
            self.registeredPosition = registeredPosition
            self.approvedAt = approvedAt
            self.rejectedAt = rejectedAt
            self.lastPosition = lastPosition
        }

        /// Marks the invoice's row changed by the event at `position`.
        func touch(_ position: Int) {
            lastPosition = position
            changed = true
        }

        /// The lines, read from the database the first time an event of the batch needs them.
        func lines(_ db: Database) throws -> [Line] {
            if let lines { return lines }
            let read = try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT sku, qty, unit_price FROM invoice_lines WHERE supplier = ? AND invoice = ? ORDER BY idx"
                ), arguments: [supplier, number]
            ).map { Line(sku: $0["sku"], quantity: $0["qty"], unitPrice: $0["unit_price"]) }
            lines = read
            return read
        }

        static func fetch(_ supplier: String, _ number: String, _ db: Database) throws -> Invoice? {
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT po, status, invoice_date, currency, total, discrepancies, first_pass_matched,
                                approved_by, override_reason, payment_due, scheduled, paid, rejected_by, reject_reason,
                                registered_at, registered_position, approved_at, rejected_at, last_position
                            FROM invoices WHERE supplier = ? AND invoice = ?
                            """), arguments: [supplier, number])
            else { return nil }
            return Invoice(
                supplier: supplier, number: number, purchaseOrder: row["po"], status: row["status"],
                invoiceDate: row["invoice_date"], currency: row["currency"], total: row["total"],
                discrepancies: row["discrepancies"], firstPassMatched: row["first_pass_matched"] as Int == 1,
                approvedBy: row["approved_by"], overrideReason: row["override_reason"], paymentDue: row["payment_due"],
                scheduled: row["scheduled"] as Int == 1, paid: row["paid"], rejectedBy: row["rejected_by"],
                rejectReason: row["reject_reason"], registeredAt: row["registered_at"],
                registeredPosition: row["registered_position"], approvedAt: row["approved_at"],
                rejectedAt: row["rejected_at"], lastPosition: row["last_position"])
        }

        /// Writes what the batch changed: the row and, for a new invoice, its lines.
        func write(_ batch: inout ProjectionBatch) throws {
            guard changed else { return }
            try batch.run(
                """
                INSERT INTO invoices (
                    supplier, invoice, po, status, invoice_date, currency, total, discrepancies, first_pass_matched,
                    approved_by, override_reason, payment_due, scheduled, paid, rejected_by, reject_reason,
                    registered_at, registered_position, approved_at, rejected_at, last_position)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (supplier, invoice) DO UPDATE SET
                    status = excluded.status, discrepancies = excluded.discrepancies,
                    approved_by = excluded.approved_by, override_reason = excluded.override_reason,
                    payment_due = excluded.payment_due, scheduled = excluded.scheduled, paid = excluded.paid,
                    rejected_by = excluded.rejected_by, reject_reason = excluded.reject_reason,
                    approved_at = excluded.approved_at, rejected_at = excluded.rejected_at,
                    last_position = excluded.last_position
                """, supplier, number, purchaseOrder, status, invoiceDate, currency, total, discrepancies,
                firstPassMatched ? 1 : 0, approvedBy, overrideReason, paymentDue, scheduled ? 1 : 0, paid, rejectedBy,
                rejectReason, registeredAt, registeredPosition, approvedAt, rejectedAt, lastPosition)
            guard isNew, let lines else { return }
            for (index, line) in lines.enumerated() {
                try batch.run(
                    "INSERT INTO invoice_lines (supplier, invoice, idx, sku, qty, unit_price) VALUES (?, ?, ?, ?, ?, ?)",
                    supplier, number, index, line.sku, line.quantity, line.unitPrice)
            }
        }
    }
}

// MARK: Documents in the batch

extension ProcurementProjection {
    /// The order, from this batch's copy or else the database (then kept for the next events and
    /// the flush).
    static func cachedOrder(_ number: String, _ batch: inout ProjectionBatch) throws -> Order? {
        if let order = batch.procurement.orders[IdentifierKey(number)] { return order }
        guard let order = try Order.fetch(number, batch.db) else { return nil }
        batch.procurement.orders[IdentifierKey(number)] = order
        return order
    }

    /// The invoice, from this batch's copy or else the database (then kept).
    static func cachedInvoice(_ supplier: String, _ number: String, _ batch: inout ProjectionBatch) throws -> Invoice? {
        let key = InvoiceKey(supplier: IdentifierKey(supplier), number: IdentifierKey(number))
        if let invoice = batch.procurement.invoices[key] { return invoice }
        guard let invoice = try Invoice.fetch(supplier, number, batch.db) else { return nil }
        batch.procurement.invoices[key] = invoice
        return invoice
    }
}
