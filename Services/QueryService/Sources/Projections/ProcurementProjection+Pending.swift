import Contracts
import GRDB

extension ProcurementProjection {
    /// What a transaction has added to procurement's counters and not written yet, and the orders
    /// and invoices its events have read.
    ///
    /// Every counter (the KPI buckets, a supplier's documents and money, what awaits approval or
    /// payment, the reorder list, the running spend) only ever has figures added to it, and
    /// additions commute: a batch adds them up here and `flush` writes each row it touched once, in
    /// the same transaction. A thousand approvals on one day cost two bucket statements, not two
    /// thousand, and the rows at the commit are exactly those event-by-event application leaves
    /// (a touched row is written even when its figures add up to nothing, as one event at a time
    /// would create it). Orders and invoices are kept as their events change them and written once
    /// too (`ProcurementProjection+Documents.swift`).
    struct Pending {
        var days: [Bucket: DayFigures] = [:]
        var months: [Bucket: DayFigures] = [:]
        var documents: [DocumentKey: Tally] = [:]
        /// Per supplier and currency: spend (approved) and paid.
        var money: [Bucket: (spend: Int, paid: Int)] = [:]
        /// Per currency: invoices awaiting approval and their value.
        var awaiting: [String: Tally] = [:]  // currencies: three capital letters
        /// Per due day and currency: scheduled invoices unpaid and their balance.
        var due: [Bucket: Tally] = [:]
        var reorder: [IdentifierKey: ReorderChange] = [:]
        /// Per supplier, currency and day: what that day adds to the running spend.
        var spend: [SpendKey: Int] = [:]
        var orders: [IdentifierKey: Order] = [:]
        var invoices: [InvoiceKey: Invoice] = [:]
    }

    // Identifiers in the keys below (suppliers, invoice numbers) are `IdentifierKey`s, never
    // `String`s, which would take `café` composed and decomposed for one supplier. Currencies, days
    // and statuses are ASCII.

    /// A row keyed by a name (day, month, supplier) and a currency.
    struct Bucket: Hashable {
        let key: IdentifierKey
        let currency: String
    }

    struct DocumentKey: Hashable {
        let supplier: IdentifierKey
        let kind: DocumentKind
        let status: String
        let currency: String
    }

    struct SpendKey: Hashable {
        let supplier: IdentifierKey
        let currency: String
        let day: String
    }

    struct InvoiceKey: Hashable {
        let supplier: IdentifierKey
        let number: IdentifierKey
    }

    /// How many, and what they are worth.
    struct Tally {
        var count = 0
        var value = 0

        mutating func add(count: Int, value: Int) {
            self.count += count
            self.value += value
        }
    }

    struct ReorderChange {
        var openOrderLines = 0
        var outOfStock = 0
        var unitsShort = 0
        /// The latest out-of-stock's time, nil when the batch had none for the SKU.
        var lastOutOfStockAt: String?
    }
}

// MARK: Adding up

extension ProcurementProjection.Pending {
    /// Adds an event's figures to the buckets of `day` (`YYYY-MM-DD`) and of its month.
    mutating func add(_ figures: DayFigures, day: String, _ currency: String) {
        days[.init(key: IdentifierKey(day), currency: currency), default: DayFigures()].add(figures)
        months[.init(key: IdentifierKey(String(day.prefix(7))), currency: currency), default: DayFigures()].add(figures)
    }

    mutating func moveDocument(
        _ kind: ProcurementProjection.DocumentKind, _ supplier: String, from old: String, to new: String,
        _ currency: String, _ value: Int
    ) {
        guard old != new else { return }
        changeDocuments(kind, supplier, old, currency, count: -1, value: -value)
        changeDocuments(kind, supplier, new, currency, count: 1, value: value)
    }

    mutating func changeDocuments(
        _ kind: ProcurementProjection.DocumentKind, _ supplier: String, _ status: String, _ currency: String,
        count: Int, value: Int
    ) {
        let key = ProcurementProjection.DocumentKey(
            supplier: IdentifierKey(supplier), kind: kind, status: status, currency: currency)
        documents[key, default: .init()].add(count: count, value: value)
    }

    mutating func changeMoney(_ supplier: String, _ currency: String, spend: Int, paid: Int) {
        let key = ProcurementProjection.Bucket(key: IdentifierKey(supplier), currency: currency)
        money[key, default: (0, 0)].spend += spend
        money[key, default: (0, 0)].paid += paid
    }

    mutating func changeAwaiting(_ currency: String, count: Int, value: Int) {
        awaiting[currency, default: .init()].add(count: count, value: value)
    }

    mutating func changeDue(_ due: String, _ currency: String, invoices: Int, balance: Int) {
        self.due[.init(key: IdentifierKey(due), currency: currency), default: .init()].add(
            count: invoices, value: balance)
    }

    /// Order lines with units outstanding on open orders, per SKU: what keeps it off the reorder list.
    mutating func changeCover(of sku: String, by lines: Int) {
        reorder[IdentifierKey(sku), default: .init()].openOrderLines += lines
    }

    mutating func outOfStock(_ sku: String, units: Int, at time: String) {
        reorder[IdentifierKey(sku), default: .init()].outOfStock += 1
        reorder[IdentifierKey(sku), default: .init()].unitsShort += units
        reorder[IdentifierKey(sku), default: .init()].lastOutOfStockAt = time
    }

    /// Approved spend on `day`: its supplier's running total grows from that day on.
    mutating func addSpend(_ supplier: String, _ currency: String, on day: String, _ amount: Int) {
        spend[.init(supplier: IdentifierKey(supplier), currency: currency, day: day), default: 0] += amount
    }
}

extension DayFigures {
    mutating func add(_ other: DayFigures) {
        ordersCreated += other.ordersCreated
        ordersCreatedValue += other.ordersCreatedValue
        ordersApproved += other.ordersApproved
        ordersApprovedValue += other.ordersApprovedValue
        approvalCycles += other.approvalCycles
        approvalCycleMilliseconds += other.approvalCycleMilliseconds
        ordersRejected += other.ordersRejected
        ordersCancelled += other.ordersCancelled
        receiptLines += other.receiptLines
        receiptLinesOnTime += other.receiptLinesOnTime
        invoicesRegistered += other.invoicesRegistered
        invoicesFirstPassMatched += other.invoicesFirstPassMatched
        invoicesApproved += other.invoicesApproved
        invoicesApprovedValue += other.invoicesApprovedValue
        payments += other.payments
        paymentsValue += other.paymentsValue
    }
}

// MARK: Writing once

extension ProcurementProjection {
    /// Writes every document and counter row the batch touched, once each.
    static func flush(_ batch: inout ProjectionBatch) throws {
        let pending = batch.procurement
        batch.procurement = Pending()
        for order in pending.orders.values { try order.write(&batch) }
        for invoice in pending.invoices.values { try invoice.write(&batch) }
        for (bucket, figures) in pending.days { try figures.add(DayFigures.toDay, bucket, &batch) }
        for (bucket, figures) in pending.months { try figures.add(DayFigures.toMonth, bucket, &batch) }
        for (key, tally) in pending.documents {
            try batch.run(
                """
                INSERT INTO supplier_documents (supplier, kind, status, currency, count, value) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (supplier, kind, status, currency) DO UPDATE SET
                    count = count + excluded.count, value = value + excluded.value
                """, key.supplier.text, key.kind.rawValue, key.status, key.currency, tally.count, tally.value)
        }
        for (key, change) in pending.money {
            try batch.run(
                """
                INSERT INTO supplier_money (supplier, currency, spend, paid) VALUES (?, ?, ?, ?)
                ON CONFLICT (supplier, currency) DO UPDATE SET
                    spend = spend + excluded.spend, paid = paid + excluded.paid
                """, key.key.text, key.currency, change.spend, change.paid)
        }
        for (currency, tally) in pending.awaiting {
            try batch.run(
                """
                INSERT INTO procurement_open (currency, invoices_awaiting, invoices_awaiting_value) VALUES (?, ?, ?)
                ON CONFLICT (currency) DO UPDATE SET
                    invoices_awaiting = invoices_awaiting + excluded.invoices_awaiting,
                    invoices_awaiting_value = invoices_awaiting_value + excluded.invoices_awaiting_value
                """, currency, tally.count, tally.value)
        }
        for (key, tally) in pending.due {
            try batch.run(
                """
                INSERT INTO payments_due_days (due, currency, invoices, balance) VALUES (?, ?, ?, ?)
                ON CONFLICT (due, currency) DO UPDATE SET
                    invoices = invoices + excluded.invoices, balance = balance + excluded.balance
                """, key.key.text, key.currency, tally.count, tally.value)
        }
        for (sku, change) in pending.reorder {
            try batch.run(
                """
                INSERT INTO reorder_skus (sku, out_of_stock, units_short, last_out_of_stock_at, open_order_lines)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (sku) DO UPDATE SET
                    out_of_stock = out_of_stock + excluded.out_of_stock,
                    units_short = units_short + excluded.units_short,
                    last_out_of_stock_at = COALESCE(excluded.last_out_of_stock_at, last_out_of_stock_at),
                    open_order_lines = open_order_lines + excluded.open_order_lines
                """, sku.text, change.outOfStock, change.unitsShort, change.lastOutOfStockAt, change.openOrderLines)
        }
        // A day's row starts from the running total of the day before it, and every later day
        // grows: additions on different days commute, so the order of the keys does not matter
        // (a later day already written is an event of another instance's clock that committed
        // first: it grows too).
        for (key, amount) in pending.spend {
            try batch.run(
                """
                INSERT INTO supplier_spend_running (supplier, currency, day, total)
                VALUES (?1, ?2, ?3, ?4 + COALESCE((
                    SELECT total FROM supplier_spend_running WHERE supplier = ?1 AND currency = ?2 AND day < ?3
                    ORDER BY day DESC LIMIT 1), 0))
                ON CONFLICT (supplier, currency, day) DO UPDATE SET total = total + ?4
                """, key.supplier.text, key.currency, key.day, amount)
            try batch.run(
                "UPDATE supplier_spend_running SET total = total + ? WHERE supplier = ? AND currency = ? AND day > ?",
                amount, key.supplier.text, key.currency, key.day)
        }
    }
}
