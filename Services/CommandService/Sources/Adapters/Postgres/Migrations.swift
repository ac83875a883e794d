import Logging
import PostgresNIO

/// The write side's schema, as numbered steps applied once each, in order, at start-up.
///
/// Safe to run twice (applied steps are recorded) and safe when two instances start at once: the
/// whole run holds a transaction-scoped advisory lock, so the second waits and then finds nothing to do.
public enum Migrations {
    /// Never edit a step that has shipped; add a new one.
    static let steps: [(version: Int, name: String, sql: [String])] = [
        (
            1, "aggregates, event log, processed commands",
            [
                """
                CREATE TABLE products (
                    sku text PRIMARY KEY,
                    version bigint NOT NULL
                )
                """,
                """
                CREATE TABLE batches (
                    reference text PRIMARY KEY,
                    sku text NOT NULL REFERENCES products (sku),
                    purchased_quantity integer NOT NULL CHECK (purchased_quantity >= 0),
                    allocated_quantity integer NOT NULL DEFAULT 0
                        CHECK (allocated_quantity >= 0 AND allocated_quantity <= purchased_quantity),
                    eta date
                )
                """,
                "CREATE INDEX batches_by_sku ON batches (sku)",
                // One line per order and SKU; `seq` orders a batch's lines so the newest go first.
                """
                CREATE TABLE allocations (
                    orderid text NOT NULL,
                    sku text NOT NULL,
                    batch_reference text NOT NULL REFERENCES batches (reference),
                    quantity integer NOT NULL CHECK (quantity > 0),
                    seq bigserial NOT NULL,
                    PRIMARY KEY (orderid, sku)
                )
                """,
                "CREATE INDEX allocations_by_batch ON allocations (batch_reference, seq)",
                // `seq` is the journal's mark, in insertion order; `position` is given after commit by
                // the sequencer, gap-free and in the order commits became visible.
                """
                CREATE TABLE event_log (
                    seq bigserial PRIMARY KEY,
                    position bigint UNIQUE,
                    event_id uuid NOT NULL,
                    type text NOT NULL,
                    schema_version integer NOT NULL,
                    occurred_at timestamptz NOT NULL DEFAULT now(),
                    aggregate_id text NOT NULL,
                    aggregate_version bigint NOT NULL,
                    command_id text NOT NULL,
                    payload text NOT NULL
                )
                """,
                "CREATE INDEX event_log_unpositioned ON event_log (seq) WHERE position IS NULL",
                "CREATE TABLE event_head (id integer PRIMARY KEY CHECK (id = 1), head bigint NOT NULL)",
                "INSERT INTO event_head VALUES (1, 0)",
                """
                CREATE TABLE processed_commands (
                    command_id text PRIMARY KEY,
                    fingerprint text NOT NULL,
                    outcome text NOT NULL,
                    batch_reference text,
                    last_event_seq bigint,
                    handled_at timestamptz NOT NULL DEFAULT now()
                )
                """,
            ]
        ),
        (
            2, "outbox relay: published-up-to mark",
            [
                // The last position the outbox relay has published; it resumes after it on restart.
                "ALTER TABLE event_head ADD COLUMN published bigint NOT NULL DEFAULT 0"
            ]
        ),
        (
            3, "event ids drawn by the database",
            [
                // The flush inserts events without sending ids (fewer bytes and parameters per command).
                "ALTER TABLE event_log ALTER COLUMN event_id SET DEFAULT gen_random_uuid()"
            ]
        ),
        (
            4, "the relay's published mark in a row of its own",
            [
                // Group commits hold the head's row lock until they commit; the relay moving its mark
                // on the same row queued behind them, and they behind its commit.
                """
                CREATE TABLE event_relay (
                    id integer PRIMARY KEY CHECK (id = 1),
                    published bigint NOT NULL
                )
                """,
                "INSERT INTO event_relay SELECT 1, published FROM event_head WHERE id = 1",
                "ALTER TABLE event_head DROP COLUMN published",
            ]
        ),
        (
            5, "a statement can refuse to commit",
            [
                // A group's flush runs alone, committing as it ends: when its compare-and-set or its
                // numbering finds that others got there first, it raises a serialization failure
                // (a conflict: the group is tried again) so that nothing of it commits.
                """
                CREATE OR REPLACE FUNCTION cosmic_conflict(reason text) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
                BEGIN
                    RAISE EXCEPTION USING ERRCODE = 'serialization_failure', MESSAGE = reason;
                END
                $$
                """
            ]
        ),
        (
            6, "procurement's documents, the policy reactor's checkpoints",
            [
                // One JSON document per supplier, purchase order and invoice (`ProcurementRecords`);
                // `parent` is an invoice's order, so re-matching finds an order's invoices.
                """
                CREATE TABLE procurement_documents (
                    kind text NOT NULL,
                    id text NOT NULL,
                    version bigint NOT NULL,
                    parent text,
                    body text NOT NULL,
                    PRIMARY KEY (kind, id)
                )
                """,
                "CREATE INDEX procurement_documents_by_parent ON procurement_documents (parent) WHERE parent IS NOT NULL",
                // How far along the event log each policy has reacted (`PolicyReactor`).
                """
                CREATE TABLE policy_checkpoints (
                    policy text PRIMARY KEY,
                    position bigint NOT NULL
                )
                """,
            ]
        ),
        (
            7, "who issued each command and its events",
            [
                // The command's issued_by (in secure mode the authenticated principal), for the audit
                // trail and the event envelope's issued_by.
                "ALTER TABLE processed_commands ADD COLUMN issued_by text",
                "ALTER TABLE event_log ADD COLUMN issued_by text",
            ]
        ),
        (
            8, "the event log's id",
            [
                // Drawn once, with the log: heartbeats carry it, and a reader keeps it with its
                // checkpoint, so that a read model built from another database's log is refused
                // rather than mixed with this one (docs/PROTOCOL.md §9).
                "CREATE TABLE log_identity (id integer PRIMARY KEY CHECK (id = 1), log text NOT NULL)",
                "INSERT INTO log_identity VALUES (1, gen_random_uuid()::text)",
            ]
        ),
    ]

    /// An arbitrary constant that names "Cosmic's migrations" among advisory locks.
    static let lockKey = 7_310_422_001

    public static func apply(on client: any ConnectionSource, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.checkedQuery("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.checkedQuery(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied: Set<Int> = []
            for try await version in try await connection.checkedQuery(
                "SELECT version FROM schema_migrations", logger: logger
            )
            .decode(Int.self) {
                applied.insert(version)
            }
            for step in steps where !applied.contains(step.version) {
                logger.info("Applying migration", metadata: ["version": "\(step.version)", "name": "\(step.name)"])
                for statement in step.sql {
                    try await connection.checkedQuery(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.checkedQuery(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(step.version), \(step.name))",
                    logger: logger)
            }
        }
    }
}
