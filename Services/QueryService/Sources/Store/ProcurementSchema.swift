/// Procurement's read model (migration v3), kept by `ProcurementProjection`.
///
/// Documents (suppliers, orders and their lines, invoices and their lines, payments) answer the
/// per-document endpoints by primary key. Everything the KPIs add up is kept as it happens, in
/// buckets keyed by the event's UTC day (`procurement_days`) and month (`procurement_months`), as
/// running totals by day (`supplier_spend_running`, v4), or as figures of the present moment
/// (`procurement_open`, `payments_due_days`, `reorder_skus`), so no read ever goes through all orders
/// or invoices.
/// Money is integer minor units beside its currency: no column adds two currencies together.
enum ProcurementSchema {
    static let tables = [
        "suppliers", "supplier_documents", "supplier_money", "purchase_orders", "purchase_order_lines", "invoices",
        "invoice_lines", "invoice_payments", "procurement_days", "procurement_months", "supplier_spend_running",
        "procurement_open", "payments_due_days", "reorder_skus",
    ]

    static let v3 = """
        CREATE TABLE suppliers (
            supplier TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            currency TEXT NOT NULL,
            terms_days INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            position INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- A supplier's orders and invoices by status: how many and what they are worth.
        CREATE TABLE supplier_documents (
            supplier TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('order', 'invoice')),
            status TEXT NOT NULL,
            currency TEXT NOT NULL,
            count INTEGER NOT NULL,
            value INTEGER NOT NULL,
            PRIMARY KEY (supplier, kind, status, currency)
        ) WITHOUT ROWID;

        -- Spend (approved invoice totals) and payments per supplier, all time; outstanding = spend - paid.
        CREATE TABLE supplier_money (
            supplier TEXT NOT NULL,
            currency TEXT NOT NULL,
            spend INTEGER NOT NULL,
            paid INTEGER NOT NULL,
            PRIMARY KEY (supplier, currency)
        ) WITHOUT ROWID;
        CREATE INDEX supplier_money_by_spend ON supplier_money (currency, spend DESC, supplier);

        CREATE TABLE purchase_orders (
            po TEXT PRIMARY KEY,
            supplier TEXT NOT NULL,
            currency TEXT NOT NULL,
            requester TEXT NOT NULL,
            expected_delivery TEXT NOT NULL,
            status TEXT NOT NULL,
            total INTEGER NOT NULL,
            approver TEXT,
            created_at TEXT NOT NULL,
            submitted_at TEXT,
            approved_at TEXT,
            -- Who rejected or cancelled it, why and when.
            closed_by TEXT,
            close_reason TEXT,
            closed_at TEXT,
            last_position INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE purchase_order_lines (
            po TEXT NOT NULL,
            line INTEGER NOT NULL,
            sku TEXT NOT NULL,
            ordered INTEGER NOT NULL,
            unit_price INTEGER NOT NULL,
            received INTEGER NOT NULL DEFAULT 0,
            closed_short INTEGER NOT NULL DEFAULT 0,
            -- Units billed by approved invoices.
            invoiced INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (po, line)
        ) WITHOUT ROWID;

        CREATE TABLE invoices (
            supplier TEXT NOT NULL,
            invoice TEXT NOT NULL,
            po TEXT NOT NULL,
            status TEXT NOT NULL,
            invoice_date TEXT NOT NULL,
            currency TEXT NOT NULL,
            total INTEGER NOT NULL,
            -- The latest match outcome, a JSON array as the events carry it.
            discrepancies TEXT NOT NULL,
            first_pass_matched INTEGER NOT NULL,
            approved_by TEXT,
            override_reason TEXT,
            payment_due TEXT,
            scheduled INTEGER NOT NULL DEFAULT 0,
            paid INTEGER NOT NULL DEFAULT 0,
            rejected_by TEXT,
            reject_reason TEXT,
            registered_at TEXT NOT NULL,
            registered_position INTEGER NOT NULL,
            approved_at TEXT,
            rejected_at TEXT,
            last_position INTEGER NOT NULL,
            PRIMARY KEY (supplier, invoice)
        ) WITHOUT ROWID;
        CREATE INDEX invoices_by_po ON invoices (po);
        CREATE INDEX invoices_awaiting_approval ON invoices (registered_position)
            WHERE status IN ('matched', 'mismatched');
        CREATE INDEX invoices_payment_due ON invoices (payment_due, supplier, invoice)
            WHERE scheduled = 1 AND paid < total;

        CREATE TABLE invoice_lines (
            supplier TEXT NOT NULL,
            invoice TEXT NOT NULL,
            idx INTEGER NOT NULL,
            sku TEXT NOT NULL,
            qty INTEGER NOT NULL,
            unit_price INTEGER NOT NULL,
            PRIMARY KEY (supplier, invoice, idx)
        ) WITHOUT ROWID;

        CREATE TABLE invoice_payments (
            position INTEGER PRIMARY KEY,
            supplier TEXT NOT NULL,
            invoice TEXT NOT NULL,
            amount INTEGER NOT NULL,
            currency TEXT NOT NULL,
            paid_on TEXT NOT NULL,
            reference TEXT NOT NULL,
            occurred_at TEXT NOT NULL
        );
        CREATE INDEX invoice_payments_by_invoice ON invoice_payments (supplier, invoice, position);

        -- The KPIs' day buckets: what happened on each UTC day (of the event's occurred_at), per
        -- currency. Counts are added across currencies when read, money never.
        CREATE TABLE procurement_days (
            day TEXT NOT NULL,
            currency TEXT NOT NULL,
            orders_created INTEGER NOT NULL DEFAULT 0,
            -- The current total of the orders created that day (items change it while in draft).
            orders_created_value INTEGER NOT NULL DEFAULT 0,
            orders_approved INTEGER NOT NULL DEFAULT 0,
            orders_approved_value INTEGER NOT NULL DEFAULT 0,
            -- Approvals that had a submission before them, and their submitted → approved milliseconds.
            approval_cycles INTEGER NOT NULL DEFAULT 0,
            approval_cycle_ms INTEGER NOT NULL DEFAULT 0,
            orders_rejected INTEGER NOT NULL DEFAULT 0,
            orders_cancelled INTEGER NOT NULL DEFAULT 0,
            receipt_lines INTEGER NOT NULL DEFAULT 0,
            receipt_lines_on_time INTEGER NOT NULL DEFAULT 0,
            invoices_registered INTEGER NOT NULL DEFAULT 0,
            invoices_first_pass_matched INTEGER NOT NULL DEFAULT 0,
            invoices_approved INTEGER NOT NULL DEFAULT 0,
            invoices_approved_value INTEGER NOT NULL DEFAULT 0,
            payments INTEGER NOT NULL DEFAULT 0,
            payments_value INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, currency)
        ) WITHOUT ROWID;

        -- The same figures by month (YYYY-MM): a range reads its whole months here and only the
        -- days of its partial months above, so a year is a dozen rows, not 365.
        CREATE TABLE procurement_months (
            month TEXT NOT NULL,
            currency TEXT NOT NULL,
            orders_created INTEGER NOT NULL DEFAULT 0,
            orders_created_value INTEGER NOT NULL DEFAULT 0,
            orders_approved INTEGER NOT NULL DEFAULT 0,
            orders_approved_value INTEGER NOT NULL DEFAULT 0,
            approval_cycles INTEGER NOT NULL DEFAULT 0,
            approval_cycle_ms INTEGER NOT NULL DEFAULT 0,
            orders_rejected INTEGER NOT NULL DEFAULT 0,
            orders_cancelled INTEGER NOT NULL DEFAULT 0,
            receipt_lines INTEGER NOT NULL DEFAULT 0,
            receipt_lines_on_time INTEGER NOT NULL DEFAULT 0,
            invoices_registered INTEGER NOT NULL DEFAULT 0,
            invoices_first_pass_matched INTEGER NOT NULL DEFAULT 0,
            invoices_approved INTEGER NOT NULL DEFAULT 0,
            invoices_approved_value INTEGER NOT NULL DEFAULT 0,
            payments INTEGER NOT NULL DEFAULT 0,
            payments_value INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (month, currency)
        ) WITHOUT ROWID;

        -- Approved invoice totals per supplier by UTC day and by month of approval: a date range
        -- reads its whole months from the second and only its partial months' days from the first.
        CREATE TABLE supplier_spend_days (
            day TEXT NOT NULL,
            supplier TEXT NOT NULL,
            currency TEXT NOT NULL,
            value INTEGER NOT NULL,
            PRIMARY KEY (day, supplier, currency)
        ) WITHOUT ROWID;
        CREATE TABLE supplier_spend_months (
            month TEXT NOT NULL,
            supplier TEXT NOT NULL,
            currency TEXT NOT NULL,
            value INTEGER NOT NULL,
            PRIMARY KEY (month, supplier, currency)
        ) WITHOUT ROWID;

        -- Invoices awaiting approval (matched or mismatched) now, per currency.
        CREATE TABLE procurement_open (
            currency TEXT PRIMARY KEY,
            invoices_awaiting INTEGER NOT NULL,
            invoices_awaiting_value INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- Scheduled invoices not fully paid, by due day: how many and what is still owed.
        CREATE TABLE payments_due_days (
            due TEXT NOT NULL,
            currency TEXT NOT NULL,
            invoices INTEGER NOT NULL,
            balance INTEGER NOT NULL,
            PRIMARY KEY (due, currency)
        ) WITHOUT ROWID;

        -- Per SKU: its OutOfStock events, and the order lines that cover it now (lines with units
        -- outstanding on approved or partially received orders). On the reorder list: out of stock
        -- at least once and no line covering it.
        CREATE TABLE reorder_skus (
            sku TEXT PRIMARY KEY,
            out_of_stock INTEGER NOT NULL DEFAULT 0,
            units_short INTEGER NOT NULL DEFAULT 0,
            last_out_of_stock_at TEXT,
            open_order_lines INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE INDEX reorder_list ON reorder_skus (sku) WHERE out_of_stock > 0 AND open_order_lines = 0;
        """

    /// Spend by supplier over a range of days was a sum of day and month buckets, one row per
    /// supplier and day at a partial month; as a running total it is two lookups per supplier at any
    /// range. The buckets' figures carry over.
    static let v4 = """
        CREATE TABLE supplier_spend_running (
            supplier TEXT NOT NULL,
            currency TEXT NOT NULL,
            day TEXT NOT NULL,
            -- Approved invoice totals of the supplier in the currency, every UTC day up to this one.
            total INTEGER NOT NULL,
            PRIMARY KEY (supplier, currency, day)
        ) WITHOUT ROWID;
        INSERT INTO supplier_spend_running (supplier, currency, day, total)
        SELECT supplier, currency, day, SUM(value) OVER (PARTITION BY supplier, currency ORDER BY day)
        FROM supplier_spend_days;
        DROP TABLE supplier_spend_days;
        DROP TABLE supplier_spend_months;
        """
}
