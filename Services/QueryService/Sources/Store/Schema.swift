import GRDB

/// The projections' tables, created by GRDB migrations. Every table is a pure function of the
/// event log: rows are derived from event fields only (never the wall clock), so a rebuild from
/// position 0 yields the same rows as incremental application.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: projections and checkpoint") { db in
            // The last applied position, written in the same transaction as the projection rows.
            try db.execute(
                sql: """
                    CREATE TABLE checkpoint (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        position INTEGER NOT NULL CHECK (position >= 0)
                    );
                    INSERT INTO checkpoint (id, position) VALUES (1, 0);

                    -- The book's allocations_view: which batch holds each order line.
                    CREATE TABLE allocations (
                        orderid TEXT NOT NULL,
                        sku TEXT NOT NULL,
                        batchref TEXT NOT NULL,
                        qty INTEGER NOT NULL,
                        position INTEGER NOT NULL,
                        PRIMARY KEY (orderid, sku)
                    ) WITHOUT ROWID;
                    CREATE INDEX allocations_by_batch ON allocations (batchref);

                    -- Stock per batch; available = purchased - allocated.
                    CREATE TABLE batches (
                        ref TEXT PRIMARY KEY,
                        sku TEXT NOT NULL,
                        eta TEXT,
                        purchased INTEGER NOT NULL,
                        allocated INTEGER NOT NULL DEFAULT 0,
                        created_position INTEGER NOT NULL,
                        last_position INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX batches_by_sku ON batches (sku);

                    -- Stock per SKU, kept beside the batches so a read is one row.
                    CREATE TABLE skus (
                        sku TEXT PRIMARY KEY,
                        batches INTEGER NOT NULL DEFAULT 0,
                        purchased INTEGER NOT NULL DEFAULT 0,
                        allocated INTEGER NOT NULL DEFAULT 0,
                        out_of_stock INTEGER NOT NULL DEFAULT 0,
                        last_position INTEGER NOT NULL
                    ) WITHOUT ROWID;

                    -- Every OutOfStock event (procurement's future input).
                    CREATE TABLE out_of_stock (
                        position INTEGER PRIMARY KEY,
                        sku TEXT NOT NULL,
                        orderid TEXT NOT NULL,
                        qty INTEGER NOT NULL,
                        occurred_at TEXT NOT NULL
                    );
                    CREATE INDEX out_of_stock_by_sku ON out_of_stock (sku);

                    -- The most recent events in readable form; older rows are trimmed by position.
                    CREATE TABLE activity (
                        position INTEGER PRIMARY KEY,
                        occurred_at TEXT NOT NULL,
                        type TEXT NOT NULL,
                        sku TEXT NOT NULL,
                        orderid TEXT,
                        batchref TEXT,
                        qty INTEGER,
                        detail TEXT
                    );

                    -- Events and units per minute (of event time) and type, for charts.
                    CREATE TABLE event_counts (
                        minute TEXT NOT NULL,
                        type TEXT NOT NULL,
                        events INTEGER NOT NULL,
                        units INTEGER NOT NULL,
                        PRIMARY KEY (minute, type)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2: totals and the batches' dashboard order") { db in
            try db.execute(
                sql: """
                    -- Figures the dashboard would otherwise count over tables that grow with traffic
                    -- (a million allocations take many milliseconds to count); kept by the projections
                    -- once per batch. Its one row appears with the first event; here it is filled from
                    -- the rows of a database that already has events.
                    CREATE TABLE totals (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        allocations INTEGER NOT NULL,
                        out_of_stock INTEGER NOT NULL,
                        events INTEGER NOT NULL
                    );
                    INSERT INTO totals (id, allocations, out_of_stock, events)
                    SELECT 1, (SELECT COUNT(*) FROM allocations), (SELECT COUNT(*) FROM out_of_stock),
                           (SELECT COALESCE(SUM(events), 0) FROM event_counts)
                    WHERE (SELECT position FROM checkpoint WHERE id = 1) > 0;

                    -- The order the dashboard and /stock list batches in, so neither sorts them.
                    CREATE INDEX batches_in_order ON batches (sku, eta IS NOT NULL, eta, ref);

                    -- No read uses it, and every allocation wrote a random page of it: with a million
                    -- lines that was most of catch-up's disk traffic.
                    DROP INDEX allocations_by_batch;
                    """)
        }
        migrator.registerMigration("v3: procurement") { db in
            try db.execute(sql: ProcurementSchema.v3)
        }
        migrator.registerMigration("v4: spend by supplier as running totals") { db in
            try db.execute(sql: ProcurementSchema.v4)
        }
        migrator.registerMigration("v5: the event log the checkpoint counts in") { db in
            // The log's id from the command side's heartbeats (docs/PROTOCOL.md §9): null until the
            // first heartbeat that carries one, then every heartbeat and replay request checks it.
            try db.execute(sql: "ALTER TABLE checkpoint ADD COLUMN log TEXT")
        }
        return migrator
    }

    /// The projection tables, in a stable order (for dumps and equality checks); `checkpoint` is not one.
    static let projectionTables =
        [
            "allocations", "batches", "skus", "out_of_stock", "activity", "event_counts", "totals",
        ] + ProcurementSchema.tables
}
