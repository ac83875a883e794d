import Contracts
import Foundation
import GRDB
import Testing

@testable import QueryService

/// Procurement's read model fed straight through `ProjectionStore.apply`: every figure of every
/// endpoint's answer for `ProcurementHistory`.
@Suite struct ProcurementProjectionTests {
    static func store(_ sandbox: Sandbox, _ steps: [ProcurementHistory.Step] = ProcurementHistory.steps) async throws
        -> ProjectionStore
    {
        let store = try ProjectionStore(path: sandbox.path("procurement.sqlite"))
        try await store.apply(ProcurementHistory.envelopes(steps))
        return store
    }

    static func eur(_ value: Int) -> MoneyAmount { MoneyAmount(currency: "EUR", value: value) }
    static func usd(_ value: Int) -> MoneyAmount { MoneyAmount(currency: "USD", value: value) }
    static func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

    @Test func purchaseOrdersShowTheirLinesInvoicesAndTimes() async throws {
        try await withSandbox { sandbox in
            let model = ReadModel(store: try await Self.store(sandbox))
            let (checkpoint, po1) = try await model.purchaseOrder("PO-1")
            #expect(checkpoint == ProcurementHistory.steps.count)
            #expect(
                po1
                    == PurchaseOrderView(
                        po: "PO-1", status: "received", supplier: "ACME", supplierName: "Acme Tools",
                        requester: "alice",
                        approver: "bob", currency: "EUR", total: 145_000, expectedDelivery: "2027-01-11",
                        createdAt: "2027-01-04T09:00:00.000Z", submittedAt: "2027-01-04T10:00:00.000Z",
                        approvedAt: "2027-01-04T12:00:00.000Z", closure: nil,
                        lines: [
                            // 60 + 30 received, closed short at 90; A-100 (60) and A-101 (30) approved.
                            PurchaseOrderLineView(
                                line: 1, sku: "LAMP", ordered: 100, unitPrice: 250, received: 90, outstanding: 0,
                                closedShort: true, invoiced: 90),
                            PurchaseOrderLineView(
                                line: 2, sku: "DESK", ordered: 10, unitPrice: 12_000, received: 10, outstanding: 0,
                                closedShort: false, invoiced: 10),
                        ],
                        invoices: [
                            InvoiceReference(supplier: "ACME", invoice: "A-100", status: "paid", total: 135_000),
                            InvoiceReference(supplier: "ACME", invoice: "A-101", status: "approved", total: 7_500),
                            InvoiceReference(supplier: "ACME", invoice: "A-102", status: "mismatched", total: 24_000),
                        ]))

            let po2 = try #require(try await model.purchaseOrder("PO-2").order)
            #expect(po2.status == "rejected" && po2.approver == nil && po2.approvedAt == nil)
            #expect(po2.submittedAt == "2027-01-05T09:30:00.000Z")
            #expect(po2.closure == Closure(by: "bob", reason: "too expensive", at: "2027-01-05T11:00:00.000Z"))
            #expect(po2.lines.map(\.invoiced) == [0] && po2.invoices.isEmpty)
            #expect(po2.lines.map(\.outstanding) == [0])  // rejected: nothing is expected

            let po3 = try #require(try await model.purchaseOrder("PO-3").order)
            #expect(po3.status == "cancelled" && po3.approver == "dave" && po3.currency == "USD")
            #expect(
                po3.closure == Closure(by: "alice", reason: "supplier cannot deliver", at: "2027-01-07T09:00:00.000Z"))
            #expect(po3.lines.map(\.outstanding) == [0])  // cancelled: nothing more is expected
            #expect(po3.lines.map(\.received) == [0] && po3.lines.map(\.ordered) == [200])

            let po4 = try #require(try await model.purchaseOrder("PO-4").order)
            #expect(po4.status == "received" && po4.total == 55_000)
            #expect(
                po4.lines == [
                    PurchaseOrderLineView(
                        line: 1, sku: "CHAIR", ordered: 10, unitPrice: 4_000, received: 10, outstanding: 0,
                        closedShort: false, invoiced: 10),
                    PurchaseOrderLineView(
                        line: 2, sku: "PLANK", ordered: 50, unitPrice: 300, received: 0, outstanding: 0,
                        closedShort: true, invoiced: 0),
                ])
            #expect(po4.invoices.map(\.status) == ["approved", "rejected"])

            let po5 = try #require(try await model.purchaseOrder("PO-5").order)
            #expect(po5.status == "draft" && po5.submittedAt == nil && po5.total == 10_000)
            #expect(po5.lines.map(\.outstanding) == [10])
            #expect(try await model.purchaseOrder("PO-404").order == nil)
        }
    }

    @Test func invoicesShowTheirMatchApprovalAndPayments() async throws {
        try await withSandbox { sandbox in
            let model = ReadModel(store: try await Self.store(sandbox))
            #expect(
                try await model.invoice(supplier: "ACME", number: "A-100").invoice
                    == InvoiceView(
                        supplier: "ACME", invoice: "A-100", po: "PO-1", status: "paid", invoiceDate: "2027-01-09",
                        currency: "EUR", total: 135_000,
                        lines: [
                            InvoiceLineView(sku: "LAMP", qty: 60, unitPrice: 250),
                            InvoiceLineView(sku: "DESK", qty: 10, unitPrice: 12_000),
                        ], discrepancies: [], firstPassMatched: true, approvedBy: "bob", overrideReason: nil,
                        paymentDue: "2027-02-08", scheduled: true,
                        payments: [
                            PaymentView(amount: 50_000, paidOn: "2027-01-20", reference: "TRF-1"),
                            PaymentView(amount: 85_000, paidOn: "2027-02-05", reference: "TRF-3"),
                        ], paid: 135_000, balance: 0, registeredAt: "2027-01-09T09:00:00.000Z",
                        approvedAt: "2027-01-10T09:00:00.000Z", closure: nil))

            // Mismatched at registration, matched once the goods came, then approved.
            let a101 = try #require(try await model.invoice(supplier: "ACME", number: "A-101").invoice)
            #expect(a101.status == "approved" && !a101.firstPassMatched && a101.discrepancies.isEmpty)
            #expect(a101.paymentDue == "2027-02-09" && a101.scheduled && a101.balance == 7_500 && a101.payments.isEmpty)

            // Approved over a price difference, partly paid.
            let n1 = try #require(try await model.invoice(supplier: "NORD", number: "N-1").invoice)
            #expect(n1.status == "approved" && n1.overrideReason == "price increase agreed" && n1.approvedBy == "dave")
            #expect(
                n1.discrepancies == [
                    DiscrepancyView(sku: "CHAIR", kind: "price_differs", invoiced: 4_200, expected: 4_000)
                ])
            #expect(n1.payments == [PaymentView(amount: 20_000, paidOn: "2027-01-21", reference: "TRF-2")])
            #expect(n1.paid == 20_000 && n1.balance == 22_000 && n1.currency == "USD")

            let n2 = try #require(try await model.invoice(supplier: "NORD", number: "N-2").invoice)
            #expect(n2.status == "rejected" && !n2.scheduled && n2.paymentDue == nil && n2.approvedBy == nil)
            #expect(n2.closure == Closure(by: "dave", reason: "goods not received", at: "2027-01-14T12:00:00.000Z"))
            #expect(n2.discrepancies.map(\.kind) == ["quantity_not_received"] && n2.balance == 15_000)

            let a102 = try #require(try await model.invoice(supplier: "ACME", number: "A-102").invoice)
            #expect(a102.status == "mismatched" && a102.approvedAt == nil && a102.closure == nil)
            #expect(try await model.invoice(supplier: "NORD", number: "A-100").invoice == nil)
        }
    }

    @Test func suppliersAddUpTheirOrdersInvoicesSpendAndBalance() async throws {
        try await withSandbox { sandbox in
            let model = ReadModel(store: try await Self.store(sandbox))
            #expect(
                try await model.supplier("ACME").supplier
                    == SupplierView(
                        supplier: "ACME", name: "Acme Tools", currency: "EUR", termsDays: 30,
                        createdAt: "2027-01-04T08:00:00.000Z",
                        orders: DocumentFigures(
                            count: 3, value: [Self.eur(255_000)],
                            byStatus: [
                                StatusFigures(status: "draft", count: 1, value: [Self.eur(10_000)]),
                                StatusFigures(status: "received", count: 1, value: [Self.eur(145_000)]),
                                StatusFigures(status: "rejected", count: 1, value: [Self.eur(100_000)]),
                            ]),
                        invoices: DocumentFigures(
                            count: 3, value: [Self.eur(166_500)],
                            byStatus: [
                                StatusFigures(status: "approved", count: 1, value: [Self.eur(7_500)]),
                                StatusFigures(status: "mismatched", count: 1, value: [Self.eur(24_000)]),
                                StatusFigures(status: "paid", count: 1, value: [Self.eur(135_000)]),
                            ]),
                        spend: [Self.eur(142_500)], paid: [Self.eur(135_000)], outstanding: [Self.eur(7_500)]))
            let nord = try #require(try await model.supplier("NORD").supplier)
            #expect(nord.currency == "USD" && nord.termsDays == 14)
            #expect(
                nord.orders
                    == DocumentFigures(
                        count: 2, value: [Self.usd(115_000)],
                        byStatus: [
                            StatusFigures(status: "cancelled", count: 1, value: [Self.usd(60_000)]),
                            StatusFigures(status: "received", count: 1, value: [Self.usd(55_000)]),
                        ]))
            #expect(nord.invoices.count == 2 && nord.invoices.value == [Self.usd(57_000)])
            #expect(nord.spend == [Self.usd(42_000)] && nord.paid == [Self.usd(20_000)])
            #expect(nord.outstanding == [Self.usd(22_000)])
            #expect(try await model.supplier("NOBODY").supplier == nil)
        }
    }

    @Test func kpisOverAllTime() async throws {
        try await withSandbox { sandbox in
            let model = ReadModel(store: try await Self.store(sandbox))
            let kpis = try await model.procurementKPIs(from: nil, to: nil, today: Self.day("2027-02-03")).kpis
            #expect(
                kpis
                    == ProcurementKPIs(
                        from: nil, to: nil, today: "2027-02-03",
                        ordersCreated: CountAndValue(count: 5, value: [Self.eur(255_000), Self.usd(115_000)]),
                        ordersApproved: CountAndValue(count: 3, value: [Self.eur(145_000), Self.usd(115_000)]),
                        ordersRejected: 1, ordersCancelled: 1,
                        // (2 h + 24 h + 30 min) / 3
                        approvalCycle: ApprovalCycle(approvals: 3, averageSeconds: 31_800),
                        // Lines with goods: two early, one late, one on the day; the empty close-short is none.
                        onTimeDelivery: OnTimeDelivery(receiptLines: 4, onTime: 3, rate: 0.75),
                        firstPassMatch: FirstPassMatch(registered: 5, matched: 1, rate: 0.2),
                        invoicesApproved: CountAndValue(count: 3, value: [Self.eur(142_500), Self.usd(42_000)]),
                        paymentsMade: CountAndValue(count: 3, value: [Self.eur(135_000), Self.usd(20_000)]),
                        invoicesAwaitingApproval: CountAndValue(count: 1, value: [Self.eur(24_000)]),
                        // A-101 is due on 02-09; A-100 is paid; N-1 (01-26) is overdue, not due.
                        paymentsDue: PaymentsDue(
                            from: "2027-02-03", to: "2027-02-10", count: 1, value: [Self.eur(7_500)]),
                        spendBySupplier: [
                            CurrencySpend(
                                currency: "EUR",
                                suppliers: [SupplierSpend(supplier: "ACME", name: "Acme Tools", value: 142_500)]),
                            CurrencySpend(
                                currency: "USD",
                                suppliers: [SupplierSpend(supplier: "NORD", name: "Nordic Timber", value: 42_000)]),
                        ],
                        reorderList: [
                            ReorderItem(
                                sku: "CHAIR", outOfStock: 1, unitsShort: 2, lastOutOfStockAt: "2027-01-06T11:10:00.000Z"
                            ),
                            ReorderItem(
                                sku: "LAMP", outOfStock: 1, unitsShort: 5, lastOutOfStockAt: "2027-01-06T11:00:00.000Z"),
                            ReorderItem(
                                sku: "PLANK", outOfStock: 1, unitsShort: 30,
                                lastOutOfStockAt: "2027-01-06T11:05:00.000Z"),
                            ReorderItem(
                                sku: "VASE", outOfStock: 1, unitsShort: 3, lastOutOfStockAt: "2027-02-05T11:00:00.000Z"),
                        ]))
            // A range wider than the log says the same as all time, range aside.
            var wide = try await model.procurementKPIs(
                from: Self.day("2000-01-01"), to: Self.day("2099-12-31"), today: Self.day("2027-02-03")
            ).kpis
            #expect(wide.from == "2000-01-01" && wide.to == "2099-12-31")
            wide.from = nil
            wide.to = nil
            #expect(wide == kpis)
        }
    }

    @Test func kpisCountTheEventsOfTheDaysInRange() async throws {
        try await withSandbox { sandbox in
            let model = ReadModel(store: try await Self.store(sandbox))
            let today = Self.day("2027-01-20")
            func kpis(_ from: String?, _ to: String?) async throws -> ProcurementKPIs {
                try await model.procurementKPIs(from: from.map(Self.day), to: to.map(Self.day), today: today).kpis
            }
            let early = try await kpis("2027-01-05", "2027-01-07")
            #expect(early.ordersCreated == CountAndValue(count: 3, value: [Self.eur(100_000), Self.usd(115_000)]))
            #expect(early.ordersApproved == CountAndValue(count: 2, value: [Self.usd(115_000)]))
            #expect(early.approvalCycle == ApprovalCycle(approvals: 2, averageSeconds: 44_100))
            #expect(early.ordersRejected == 1 && early.ordersCancelled == 1)
            #expect(early.onTimeDelivery == OnTimeDelivery(receiptLines: 0, onTime: 0, rate: nil))
            #expect(early.firstPassMatch == FirstPassMatch(registered: 0, matched: 0, rate: nil))
            #expect(early.invoicesApproved == CountAndValue(count: 0, value: []) && early.spendBySupplier.isEmpty)
            // What is now does not depend on the range: N-1 (due 01-26, 22,000 still owed) is in the week.
            #expect(
                early.paymentsDue
                    == PaymentsDue(from: "2027-01-20", to: "2027-01-27", count: 1, value: [Self.usd(22_000)]))
            #expect(early.invoicesAwaitingApproval == CountAndValue(count: 1, value: [Self.eur(24_000)]))
            #expect(early.reorderList.map(\.sku) == ["CHAIR", "LAMP", "PLANK", "VASE"])

            // One day; an open start; an open end.
            let day12 = try await kpis("2027-01-12", "2027-01-12")
            #expect(day12.onTimeDelivery == OnTimeDelivery(receiptLines: 2, onTime: 1, rate: 0.5))
            #expect(day12.firstPassMatch == FirstPassMatch(registered: 2, matched: 0, rate: 0))
            #expect(day12.spendBySupplier.map(\.currency) == ["EUR"])
            #expect(day12.spendBySupplier.first?.suppliers.first?.value == 7_500)
            let untilThe8th = try await kpis(nil, "2027-01-08")
            #expect(untilThe8th.onTimeDelivery == OnTimeDelivery(receiptLines: 2, onTime: 2, rate: 1))
            #expect(untilThe8th.ordersCreated.count == 4 && untilThe8th.ordersApproved.count == 3)
            let february = try await kpis("2027-02-01", nil)
            #expect(february.ordersCreated == CountAndValue(count: 1, value: [Self.eur(10_000)]))
            #expect(february.paymentsMade == CountAndValue(count: 1, value: [Self.eur(85_000)]))
            #expect(february.firstPassMatch == FirstPassMatch(registered: 1, matched: 0, rate: 0))
            #expect(february.approvalCycle == ApprovalCycle(approvals: 0, averageSeconds: nil))

            // Spend by supplier from whole months, partial months' days, and both.
            let spend = [
                CurrencySpend(
                    currency: "EUR", suppliers: [SupplierSpend(supplier: "ACME", name: "Acme Tools", value: 142_500)]),
                CurrencySpend(
                    currency: "USD", suppliers: [SupplierSpend(supplier: "NORD", name: "Nordic Timber", value: 42_000)]),
            ]
            #expect(try await kpis("2027-01-01", "2027-01-31").spendBySupplier == spend)  // a whole month
            #expect(try await kpis("2026-12-15", "2027-02-14").spendBySupplier == spend)  // days, a month, days
            #expect(try await kpis("2027-01-10", "2027-01-13").spendBySupplier == spend)  // days only
            let fromThe11th = try await kpis("2027-01-11", "2027-03-31").spendBySupplier
            #expect(fromThe11th.map { $0.suppliers.map(\.value) } == [[7_500], [42_000]])
            #expect(try await kpis("2027-01-14", "2027-12-31").spendBySupplier.isEmpty)
        }
    }

    @Test func aSKUIsOnTheReorderListWhileOutOfStockAndNotOnAnOpenOrder() async throws {
        try await withSandbox { sandbox in
            let store = try ProjectionStore(path: sandbox.path("reorder.sqlite"))
            let model = ReadModel(store: store)
            let envelopes = ProcurementHistory.envelopes()
            var applied = 0
            func list(after position: Int) async throws -> [String] {
                try await store.apply(Array(envelopes[applied..<position]))
                applied = position
                return try await model.procurementKPIs(from: nil, to: nil, today: Self.day("2027-01-01")).kpis
                    .reorderList.map(\.sku)
            }
            #expect(try await list(after: 17) == [])  // nothing ran out yet
            #expect(try await list(after: 20) == ["CHAIR"])  // LAMP is on PO-1, PLANK on PO-3: covered
            #expect(try await list(after: 21) == ["CHAIR", "PLANK"])  // PO-3 cancelled
            #expect(try await list(after: 25) == ["CHAIR", "PLANK"])  // PO-4 is only submitted
            #expect(try await list(after: 26) == [])  // PO-4 approved: CHAIR and PLANK on order
            #expect(try await list(after: 27) == [])  // PO-1 partly received: lamps still to come
            #expect(try await list(after: 32) == ["LAMP"])  // the lamp line closed short: nothing to come
            #expect(try await list(after: 34) == ["CHAIR", "LAMP"])  // the chairs all arrived
            #expect(try await list(after: 41) == ["CHAIR", "LAMP", "PLANK"])  // the plank line closed
            // VASE runs out; PO-5, a draft, covers nothing.
            #expect(try await list(after: envelopes.count) == ["CHAIR", "LAMP", "PLANK", "VASE"])
        }
    }

    /// Spend by supplier over any range of days is what the approvals of those days add up to, also
    /// when approvals arrive out of their days' order (instances' clocks differ: a later position
    /// may carry an earlier time). The reference is counted from the invoices themselves.
    @Test func spendOverAnyRangeIsWhatTheApprovalsOfItsDaysAddUpTo() async throws {
        try await withSandbox { sandbox in
            var steps = ProcurementHistory.steps
            let approvals = steps.indices.filter {
                if case .invoiceApproved = steps[$0].payload { true } else { false }
            }
            #expect(approvals.count >= 3)
            for (index, time) in zip(approvals, approvals.map { steps[$0].at }.reversed()) {
                steps[index] = ProcurementHistory.Step(at: time, payload: steps[index].payload)
            }
            let store = try await Self.store(sandbox, steps)
            let model = ReadModel(store: store)
            let days = [
                "2026-12-31", "2027-01-05", "2027-01-11", "2027-01-12", "2027-01-13", "2027-02-01", "2027-03-01",
            ]
            var ranges: [(String?, String?)] = [(nil, nil)]
            for first in days {
                ranges += [(first, nil), (nil, first)]
                ranges += days.filter { $0 >= first }.map { (first, $0) }
            }
            for (from, to) in ranges {
                let kept = try await model.procurementKPIs(
                    from: from.map(Self.day), to: to.map(Self.day), today: Self.day("2027-01-20")
                ).kpis.spendBySupplier
                let counted = try await store.read { db in
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT currency, supplier, SUM(total) AS value FROM invoices
                            WHERE approved_at IS NOT NULL AND substr(approved_at, 1, 10) BETWEEN ? AND ?
                            GROUP BY currency, supplier ORDER BY currency, value DESC, supplier
                            """, arguments: [from ?? "0000-01-01", to ?? "9999-12-31"]
                    ).map { "\($0["currency"] as String) \($0["supplier"] as String) \($0["value"] as Int)" }
                }
                let shown = kept.flatMap { currency in
                    currency.suppliers.map { "\(currency.currency) \($0.supplier) \($0.value)" }
                }
                #expect(shown == counted, "\(from ?? "…") to \(to ?? "…")")
            }
        }
    }

    /// A database made before spend was kept as running totals (v3's day and month buckets) gets
    /// them from its buckets when it is opened, and answers as a fresh one does.
    @Test func spendBucketsOfAnOlderDatabaseBecomeRunningTotals() async throws {
        try await withSandbox { sandbox in
            let reference = try await Self.store(sandbox).dump()
            let path = sandbox.path("older.sqlite")
            do {
                let older = try ProjectionStore(path: path)
                try await older.apply(ProcurementHistory.envelopes())
            }
            // Back to v3: the buckets, from the running totals; the running totals gone.
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE supplier_spend_days (
                            day TEXT NOT NULL, supplier TEXT NOT NULL, currency TEXT NOT NULL, value INTEGER NOT NULL,
                            PRIMARY KEY (day, supplier, currency)) WITHOUT ROWID;
                        CREATE TABLE supplier_spend_months (
                            month TEXT NOT NULL, supplier TEXT NOT NULL, currency TEXT NOT NULL, value INTEGER NOT NULL,
                            PRIMARY KEY (month, supplier, currency)) WITHOUT ROWID;
                        INSERT INTO supplier_spend_days (day, supplier, currency, value)
                        SELECT day, supplier, currency,
                            total - COALESCE(LAG(total) OVER (PARTITION BY supplier, currency ORDER BY day), 0)
                        FROM supplier_spend_running;
                        INSERT INTO supplier_spend_months (month, supplier, currency, value)
                        SELECT substr(day, 1, 7), supplier, currency, SUM(value) FROM supplier_spend_days GROUP BY 1, 2, 3;
                        DROP TABLE supplier_spend_running;
                        DELETE FROM grdb_migrations WHERE identifier LIKE 'v4:%';
                        """)
            }
            try queue.close()
            #expect(try await ProjectionStore(path: path).dump() == reference)
        }
    }

    /// DESIGN.md invariant 5 for procurement: however the log is cut into transactions, the rows
    /// are the same.
    @Test func batchBoundariesNeverChangeTheRows() async throws {
        try await withSandbox { sandbox in
            let envelopes = ProcurementHistory.envelopes()
            let whole = try ProjectionStore(path: sandbox.path("whole.sqlite"))
            try await whole.apply(envelopes)
            let oneByOne = try ProjectionStore(path: sandbox.path("one-by-one.sqlite"))
            for envelope in envelopes { try await oneByOne.apply([envelope]) }
            let inThrees = try ProjectionStore(path: sandbox.path("threes.sqlite"))
            for start in stride(from: 0, to: envelopes.count, by: 3) {
                try await inThrees.apply(Array(envelopes[start..<min(start + 3, envelopes.count)]))
            }
            let expected = try await whole.dump()
            for table in ProcurementSchema.tables { #expect(expected[table]?.isEmpty == false, "\(table)") }
            #expect(try await oneByOne.dump() == expected)
            #expect(try await inThrees.dump() == expected)
        }
    }

    /// No KPI query goes through the orders or invoices: each reads buckets and counters by their
    /// keys, and the lists use their partial indexes.
    @Test func theKPIQueriesReadBucketsAndIndexesOnly() async throws {
        try await withSandbox { sandbox in
            let store = try await Self.store(sandbox)
            try await store.read { db in
                var statements: [String] = []
                let trace: (String) -> Void = { statements.append($0) }
                db.trace { event in
                    if case .statement(let statement) = event { trace(statement.expandedSQL) }
                }
                let today = CalendarDay("2027-02-03")!
                _ = try ReadModel.procurementKPIs(db, from: nil, to: nil, today: today)
                _ = try ReadModel.procurementKPIs(
                    db, from: CalendarDay("2026-12-15"), to: CalendarDay("2027-02-14"), today: today)
                db.trace(options: [], nil)
                statements.append(
                    "SELECT * FROM invoices WHERE status IN ('matched', 'mismatched') ORDER BY registered_position LIMIT 20"
                )
                statements.append(
                    "SELECT * FROM invoices WHERE scheduled = 1 AND paid < total ORDER BY payment_due, supplier, invoice LIMIT 20"
                )
                for sql in statements where sql.hasPrefix("SELECT") || sql.hasPrefix("WITH") {
                    let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
                    for step in plan {
                        // A partial index holds the open invoices only, and the lists take 20 of them.
                        let partial =
                            step.hasSuffix("invoices_awaiting_approval") || step.hasSuffix("invoices_payment_due")
                        for table in [
                            "purchase_orders", "purchase_order_lines", "invoices", "invoice_lines", "invoice_payments",
                        ] {
                            #expect(!step.hasPrefix("SCAN \(table)") || partial, "\(step) in \(sql)")
                        }
                    }
                    if sql.contains("FROM procurement_days") {
                        #expect(
                            plan.contains {
                                $0.contains("SEARCH procurement_days USING PRIMARY KEY (day>? AND day<?)")
                            }, "\(plan)")
                    }
                    if sql.contains("FROM invoices WHERE status") {
                        #expect(plan.contains { $0.contains("invoices_awaiting_approval") }, "\(plan)")
                    }
                    if sql.contains("FROM invoices WHERE scheduled") {
                        #expect(plan.contains { $0.contains("invoices_payment_due") }, "\(plan)")
                    }
                }
            }
        }
    }

    @Test func aRangeIsReadAsWholeMonthsAndTheDaysAtItsEnds() {
        func cover(_ from: String, _ to: String) -> (String?, String?, String?) {
            let c = DayRangeCover(CalendarDay(from)!...CalendarDay(to)!)
            return (
                c.headDays.map { "\($0.lowerBound)..\($0.upperBound)" },
                c.months.map { "\($0.lowerBound)..\($0.upperBound)" },
                c.tailDays.map { "\($0.lowerBound)..\($0.upperBound)" }
            )
        }
        #expect(cover("2027-01-05", "2027-01-07") == ("2027-01-05..2027-01-07", nil, nil))
        #expect(cover("2027-01-15", "2027-02-10") == ("2027-01-15..2027-02-10", nil, nil))
        #expect(cover("2027-01-01", "2027-01-31") == (nil, "2027-01..2027-01", nil))
        #expect(
            cover("2026-12-15", "2027-02-14") == (
                "2026-12-15..2026-12-31", "2027-01..2027-01", "2027-02-01..2027-02-14"
            ))
        #expect(cover("2024-02-01", "2024-02-29") == (nil, "2024-02..2024-02", nil))  // a leap year
        #expect(cover("0001-01-01", "9999-12-31") == (nil, "0001-01..9999-12", nil))
        #expect(CalendarDay("2027-02-29") == nil && CalendarDay("2027-1-05") == nil && CalendarDay("0000-01-01") == nil)
        #expect(CalendarDay("2028-02-29")?.adding(days: 1).description == "2028-03-01")
        #expect(CalendarDay(of: ProcurementHistory.time("01-04T23:59")).description == "2027-01-04")
    }
}
