import Foundation
import GRDB

/// Procurement's queries. Documents are read by primary key; the KPIs add up day buckets (a few
/// thousand rows at most for any range) and present-moment counters, never the orders or invoices.
/// The KPIs' statements come from the connection's cache: parsing them cost more than running them.
extension ReadModel {
    /// Longest lists of the procurement dashboard and the reorder list.
    static let procurementListLimit = 20
    static let reorderListLimit = 200

    public func purchaseOrder(_ number: String) async throws -> (checkpoint: Int, order: PurchaseOrderView?) {
        try await store.read { db in
            let checkpoint = try ProjectionStore.checkpoint(db)
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT o.*, s.name AS supplier_name FROM purchase_orders o
                            LEFT JOIN suppliers s ON s.supplier = o.supplier WHERE o.po = ?
                            """), arguments: [number])
            else { return (checkpoint, nil) }
            // A rejected or cancelled order expects nothing more, whatever its lines still lacked.
            let expectsGoods = !["rejected", "cancelled"].contains(row["status"] as String)
            let lines = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM purchase_order_lines WHERE po = ? ORDER BY line"),
                arguments: [number]
            ).map { line -> PurchaseOrderLineView in
                let ordered: Int = line["ordered"]
                let received: Int = line["received"]
                let closedShort = (line["closed_short"] as Int) == 1
                return PurchaseOrderLineView(
                    line: line["line"], sku: line["sku"], ordered: ordered, unitPrice: line["unit_price"],
                    received: received, outstanding: closedShort || !expectsGoods ? 0 : max(0, ordered - received),
                    closedShort: closedShort, invoiced: line["invoiced"])
            }
            let invoices = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT supplier, invoice, status, total FROM invoices WHERE po = ?
                        ORDER BY registered_position
                        """), arguments: [number]
            ).map {
                InvoiceReference(
                    supplier: $0["supplier"], invoice: $0["invoice"], status: $0["status"], total: $0["total"])
            }
            return (
                checkpoint,
                PurchaseOrderView(
                    po: number, status: row["status"], supplier: row["supplier"], supplierName: row["supplier_name"],
                    requester: row["requester"], approver: row["approver"], currency: row["currency"],
                    total: row["total"], expectedDelivery: row["expected_delivery"], createdAt: row["created_at"],
                    submittedAt: row["submitted_at"], approvedAt: row["approved_at"],
                    closure: Self.closure(row, by: "closed_by", reason: "close_reason", at: "closed_at"), lines: lines,
                    invoices: invoices)
            )
        }
    }

    public func invoice(supplier: String, number: String) async throws -> (checkpoint: Int, invoice: InvoiceView?) {
        try await store.read { db in
            let checkpoint = try ProjectionStore.checkpoint(db)
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM invoices WHERE supplier = ? AND invoice = ?"),
                    arguments: [supplier, number])
            else { return (checkpoint, nil) }
            let lines = try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT sku, qty, unit_price FROM invoice_lines WHERE supplier = ? AND invoice = ? ORDER BY idx"
                ),
                arguments: [supplier, number]
            ).map { InvoiceLineView(sku: $0["sku"], qty: $0["qty"], unitPrice: $0["unit_price"]) }
            let payments = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT amount, paid_on, reference FROM invoice_payments WHERE supplier = ? AND invoice = ?
                        ORDER BY position
                        """), arguments: [supplier, number]
            ).map { PaymentView(amount: $0["amount"], paidOn: $0["paid_on"], reference: $0["reference"]) }
            let discrepancies = try DiscrepancyJSON.decode(row["discrepancies"]).map {
                DiscrepancyView(sku: $0.sku, kind: $0.kind, invoiced: $0.invoiced, expected: $0.expected)
            }
            let total: Int = row["total"]
            let paid: Int = row["paid"]
            return (
                checkpoint,
                InvoiceView(
                    supplier: supplier, invoice: number, po: row["po"], status: row["status"],
                    invoiceDate: row["invoice_date"], currency: row["currency"], total: total, lines: lines,
                    discrepancies: discrepancies, firstPassMatched: (row["first_pass_matched"] as Int) == 1,
                    approvedBy: row["approved_by"], overrideReason: row["override_reason"],
                    paymentDue: row["payment_due"], scheduled: (row["scheduled"] as Int) == 1, payments: payments,
                    paid: paid, balance: total - paid, registeredAt: row["registered_at"],
                    approvedAt: row["approved_at"],
                    closure: Self.closure(row, by: "rejected_by", reason: "reject_reason", at: "rejected_at"))
            )
        }
    }

    public func supplier(_ id: String) async throws -> (checkpoint: Int, supplier: SupplierView?) {
        try await store.read { db in
            let checkpoint = try ProjectionStore.checkpoint(db)
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM suppliers WHERE supplier = ?"), arguments: [id])
            else { return (checkpoint, nil) }
            let documents = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT kind, status, currency, count, value FROM supplier_documents
                        WHERE supplier = ? AND count <> 0 ORDER BY kind, status, currency
                        """), arguments: [id])
            func figures(_ kind: String) -> DocumentFigures {
                let rows = documents.filter { $0["kind"] as String == kind }
                var statuses: [String] = []
                for row in rows where !statuses.contains(row["status"]) { statuses.append(row["status"]) }
                func money(_ rows: [Row]) -> [MoneyAmount] {
                    Self.perCurrency(rows.map { ($0["currency"] as String, $0["value"] as Int) })
                }
                return DocumentFigures(
                    count: rows.reduce(0) { $0 + ($1["count"] as Int) }, value: money(rows),
                    byStatus: statuses.map { status in
                        let these = rows.filter { $0["status"] as String == status }
                        return StatusFigures(
                            status: status, count: these.reduce(0) { $0 + ($1["count"] as Int) }, value: money(these))
                    })
            }
            let money = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT currency, spend, paid FROM supplier_money WHERE supplier = ? ORDER BY currency"),
                arguments: [id])
            return (
                checkpoint,
                SupplierView(
                    supplier: id, name: row["name"], currency: row["currency"], termsDays: row["terms_days"],
                    createdAt: row["created_at"], orders: figures("order"), invoices: figures("invoice"),
                    spend: money.map { MoneyAmount(currency: $0["currency"], value: $0["spend"]) },
                    paid: money.map { MoneyAmount(currency: $0["currency"], value: $0["paid"]) },
                    outstanding: money.map {
                        MoneyAmount(currency: $0["currency"], value: ($0["spend"] as Int) - ($0["paid"] as Int))
                    })
            )
        }
    }

    /// The KPIs over the UTC days `from` to `to` (either end open when nil), with "now" counted from `today`.
    func procurementKPIs(from: CalendarDay?, to: CalendarDay?, today: CalendarDay) async throws
        -> (checkpoint: Int, kpis: ProcurementKPIs)
    {
        try await store.read { db in
            (try ProjectionStore.checkpoint(db), try Self.procurementKPIs(db, from: from, to: to, today: today))
        }
    }

    /// The procurement dashboard's data: all-time KPIs and the oldest invoices awaiting approval and
    /// the soonest payments due (overdue ones first).
    func procurementDashboard(today: CalendarDay) async throws -> (checkpoint: Int, body: ProcurementDashboardBody) {
        try await store.read { db in
            let limit = Self.procurementListLimit
            let awaiting = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM invoices WHERE status IN ('matched', 'mismatched')
                        ORDER BY registered_position LIMIT ?
                        """), arguments: [limit]
            ).map(Self.invoiceSummary)
            let due = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM invoices WHERE scheduled = 1 AND paid < total
                        ORDER BY payment_due, supplier, invoice LIMIT ?
                        """), arguments: [limit]
            ).map(Self.invoiceSummary)
            return (
                try ProjectionStore.checkpoint(db),
                ProcurementDashboardBody(
                    kpis: try Self.procurementKPIs(db, from: nil, to: nil, today: today), awaitingApproval: awaiting,
                    paymentsDue: due)
            )
        }
    }

    public struct ProcurementDashboardBody: Sendable {
        public var kpis: ProcurementKPIs
        public var awaitingApproval: [InvoiceSummary]
        public var paymentsDue: [InvoiceSummary]
    }

    // MARK: KPIs

    static func procurementKPIs(_ db: Database, from: CalendarDay?, to: CalendarDay?, today: CalendarDay) throws
        -> ProcurementKPIs
    {
        // The range's buckets, per currency: its whole months, and the days of its partial months
        // at each end (a hundred rows at most per currency, however long the range).
        let cover = DayRangeCover((from ?? .earliest)...(to ?? .latest))
        let none = ("1", "0")  // an empty range
        let head = cover.headDays.map { ($0.lowerBound.description, $0.upperBound.description) } ?? none
        let tail = cover.tailDays.map { ($0.lowerBound.description, $0.upperBound.description) } ?? none
        let months = cover.months.map { ($0.lowerBound, $0.upperBound) } ?? none
        let days = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT currency,
                        SUM(orders_created) AS orders_created, SUM(orders_created_value) AS orders_created_value,
                        SUM(orders_approved) AS orders_approved, SUM(orders_approved_value) AS orders_approved_value,
                        SUM(approval_cycles) AS approval_cycles, SUM(approval_cycle_ms) AS approval_cycle_ms,
                        SUM(orders_rejected) AS orders_rejected, SUM(orders_cancelled) AS orders_cancelled,
                        SUM(receipt_lines) AS receipt_lines, SUM(receipt_lines_on_time) AS receipt_lines_on_time,
                        SUM(invoices_registered) AS invoices_registered,
                        SUM(invoices_first_pass_matched) AS invoices_first_pass_matched,
                        SUM(invoices_approved) AS invoices_approved, SUM(invoices_approved_value) AS invoices_approved_value,
                        SUM(payments) AS payments, SUM(payments_value) AS payments_value
                    FROM (
                        SELECT * FROM procurement_days WHERE day BETWEEN ? AND ?
                        UNION ALL
                        SELECT * FROM procurement_days WHERE day BETWEEN ? AND ?
                        UNION ALL
                        SELECT * FROM procurement_months WHERE month BETWEEN ? AND ?)
                    GROUP BY currency ORDER BY currency
                    """), arguments: [head.0, head.1, tail.0, tail.1, months.0, months.1])
        func count(_ column: String) -> Int { days.reduce(0) { $0 + ($1[column] as Int) } }
        func money(_ column: String) -> [MoneyAmount] {
            perCurrency(days.map { ($0["currency"] as String, $0[column] as Int) })
        }
        func counted(_ countColumn: String, _ valueColumn: String) -> CountAndValue {
            CountAndValue(count: count(countColumn), value: money(valueColumn))
        }
        func rate(_ part: Int, of whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }

        let cycles = count("approval_cycles")
        let receiptLines = count("receipt_lines")
        let registered = count("invoices_registered")

        // Now: the counters of what is open, and the payments due by day.
        let awaiting = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT currency, invoices_awaiting, invoices_awaiting_value FROM procurement_open
                    WHERE invoices_awaiting <> 0 ORDER BY currency
                    """))
        let dueUntil = today.adding(days: 7)
        let due = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT currency, SUM(invoices) AS invoices, SUM(balance) AS balance FROM payments_due_days
                    WHERE due BETWEEN ? AND ? GROUP BY currency ORDER BY currency
                    """), arguments: [today.description, dueUntil.description])

        return ProcurementKPIs(
            from: from?.description, to: to?.description, today: today.description,
            ordersCreated: counted("orders_created", "orders_created_value"),
            ordersApproved: counted("orders_approved", "orders_approved_value"),
            ordersRejected: count("orders_rejected"), ordersCancelled: count("orders_cancelled"),
            approvalCycle: ApprovalCycle(
                approvals: count("orders_approved"),
                averageSeconds: cycles == 0 ? nil : Double(count("approval_cycle_ms")) / Double(cycles) / 1000),
            onTimeDelivery: OnTimeDelivery(
                receiptLines: receiptLines, onTime: count("receipt_lines_on_time"),
                rate: rate(count("receipt_lines_on_time"), of: receiptLines)),
            firstPassMatch: FirstPassMatch(
                registered: registered, matched: count("invoices_first_pass_matched"),
                rate: rate(count("invoices_first_pass_matched"), of: registered)),
            invoicesApproved: counted("invoices_approved", "invoices_approved_value"),
            paymentsMade: counted("payments", "payments_value"),
            invoicesAwaitingApproval: CountAndValue(
                count: awaiting.reduce(0) { $0 + ($1["invoices_awaiting"] as Int) },
                value: perCurrency(awaiting.map { ($0["currency"] as String, $0["invoices_awaiting_value"] as Int) })),
            paymentsDue: PaymentsDue(
                from: today.description, to: dueUntil.description,
                count: due.reduce(0) { $0 + ($1["invoices"] as Int) },
                value: perCurrency(due.map { ($0["currency"] as String, $0["balance"] as Int) })),
            spendBySupplier: try spendBySupplier(db, from: from, to: to),
            reorderList: try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT sku, out_of_stock, units_short, last_out_of_stock_at FROM reorder_skus
                        WHERE out_of_stock > 0 AND open_order_lines = 0 ORDER BY sku LIMIT ?
                        """), arguments: [reorderListLimit]
            ).map {
                ReorderItem(
                    sku: $0["sku"], outOfStock: $0["out_of_stock"], unitsShort: $0["units_short"],
                    lastOutOfStockAt: $0["last_out_of_stock_at"])
            })
    }

    /// Top ten suppliers per currency by approved invoice value. All time reads each supplier's
    /// running total by an index in spend order; a range, each supplier's running totals by day at
    /// its two ends.
    static func spendBySupplier(_ db: Database, from: CalendarDay?, to: CalendarDay?) throws -> [CurrencySpend] {
        let top = 10
        let rows: [Row]
        if from == nil && to == nil {
            // Suppliers are a catalogue: their currencies are few, each read top-down by the index.
            var all: [Row] = []
            for currency in try String.fetchAll(
                db.cachedStatement(sql: "SELECT DISTINCT currency FROM supplier_money ORDER BY 1"))
            {
                all += try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT m.currency, m.supplier, m.spend AS value, s.name
                            FROM supplier_money m LEFT JOIN suppliers s ON s.supplier = m.supplier
                            WHERE m.currency = ? AND m.spend > 0 ORDER BY m.spend DESC, m.supplier LIMIT ?
                            """), arguments: [currency, top])
            }
            rows = all
        } else {
            // Spend over [from, to] is the running total at `to` less the one before `from`: two
            // lookups by the primary key per supplier, at any range.
            let first = (from ?? .earliest).description
            let last = (to ?? .latest).description
            rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        WITH spend AS (
                            SELECT m.supplier, m.currency,
                                COALESCE((SELECT total FROM supplier_spend_running r
                                    WHERE r.supplier = m.supplier AND r.currency = m.currency AND r.day <= ?2
                                    ORDER BY r.day DESC LIMIT 1), 0)
                                - COALESCE((SELECT total FROM supplier_spend_running r
                                    WHERE r.supplier = m.supplier AND r.currency = m.currency AND r.day < ?1
                                    ORDER BY r.day DESC LIMIT 1), 0) AS value
                            FROM supplier_money m WHERE m.spend > 0),
                        ranked AS (
                            SELECT *, ROW_NUMBER() OVER (PARTITION BY currency ORDER BY value DESC, supplier) AS rank
                            FROM spend WHERE value > 0)
                        SELECT r.currency, r.supplier, r.value, s.name FROM ranked r
                        LEFT JOIN suppliers s ON s.supplier = r.supplier
                        WHERE r.rank <= ?3 ORDER BY r.currency, r.rank
                        """), arguments: [first, last, top])
        }
        var result: [CurrencySpend] = []
        for row in rows {
            let currency: String = row["currency"]
            let entry = SupplierSpend(supplier: row["supplier"], name: row["name"], value: row["value"])
            if result.last?.currency == currency {
                result[result.count - 1].suppliers.append(entry)
            } else {
                result.append(CurrencySpend(currency: currency, suppliers: [entry]))
            }
        }
        return result
    }

    /// Amounts per currency, in currency order, without the currencies that add up to nothing.
    static func perCurrency(_ amounts: [(String, Int)]) -> [MoneyAmount] {
        var sums: [String: Int] = [:]
        var seen: [String] = []
        for (currency, value) in amounts {
            if sums[currency] == nil { seen.append(currency) }
            sums[currency, default: 0] += value
        }
        return seen.sorted().compactMap { sums[$0] == 0 ? nil : MoneyAmount(currency: $0, value: sums[$0]!) }
    }

    static func closure(_ row: Row, by: String, reason: String, at: String) -> Closure? {
        guard let who: String = row[by], let why: String = row[reason], let when: String = row[at] else { return nil }
        return Closure(by: who, reason: why, at: when)
    }

    static func invoiceSummary(_ row: Row) -> InvoiceSummary {
        let total: Int = row["total"]
        let paid: Int = row["paid"]
        return InvoiceSummary(
            supplier: row["supplier"], invoice: row["invoice"], po: row["po"], status: row["status"],
            currency: row["currency"], total: total, balance: total - paid,
            firstPassMatched: (row["first_pass_matched"] as Int) == 1, paymentDue: row["payment_due"],
            registeredAt: row["registered_at"])
    }
}
