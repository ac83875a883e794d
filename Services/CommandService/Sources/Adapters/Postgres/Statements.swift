import Logging
import PostgresNIO

/// A statement PostgresNIO prepares once per connection (and the server plans once), named by type.
protocol PreparedSQL {
    static var sql: String { get }
}

/// The SQL a unit of work issues on the allocate path, as named prepared statements.
///
/// Kept in one place for two readers: the repository and unit of work, which bind them, and
/// `PgbenchScript`, which turns the very same text into the pgbench ceiling benchmark — so the
/// ceiling always measures the statements the service really sends.
enum Statements {
    /// A command id's stored outcome (exactly-once); one row or none.
    enum PreviousOutcome: PreparedSQL {
        static let sql = """
            SELECT fingerprint, outcome, batch_reference, last_event_seq FROM processed_commands
            WHERE command_id = $1
            """
    }

    /// The product's row lock. Its own statement: a statement that locks and reads joined rows at
    /// once would, after waiting, see the product's new row beside the batches' old ones.
    enum LockProduct: PreparedSQL {
        static let sql = "SELECT 1 FROM products WHERE sku = $1 FOR UPDATE"
    }

    /// Everything a group reads, in one round trip and one snapshot, outside any transaction: its
    /// commands' stored outcomes, and its products (`$2`) with the lines of its orders (`$3`,
    /// distinct) in the rows and order of `LoadProducts`. No lock is taken: the group's `Flush`
    /// compares-and-sets each product's version and refuses to commit if another writer got there
    /// first. Shaped, like `LoadProducts`, so its one cached generic plan is index probes.
    enum ReadAhead: PreparedSQL {
        static let sql = """
            (SELECT command_id, fingerprint, outcome, batch_reference, last_event_seq, NULL::text AS sku,
                    NULL::bigint AS version, NULL::text AS reference, NULL::int AS purchased, NULL::int AS allocated,
                    NULL::text AS eta, NULL::text AS orderid, NULL::int AS quantity
             FROM processed_commands WHERE command_id = ANY($1::text[]))
            UNION ALL
            (\(LoadProducts.select(leading: "NULL, NULL, NULL, NULL, NULL, ", skus: "$2", orders: "$3")))
            """
    }

    /// The outbox relay's one round trip per pass: moves the published mark to what it sent last
    /// pass (`$1`), and reads up to `$2` positioned events after it. An event has a position only
    /// once committed, and positions are given under the head's row lock in commit order, so what
    /// one snapshot sees after the mark has no holes.
    enum MarkAndReadNext: PreparedSQL {
        static let sql = """
            WITH mark AS (UPDATE event_relay SET published = $1 WHERE id = 1 AND published < $1)
            SELECT \(EventRecord.selection) FROM event_log
            WHERE position > $1 ORDER BY position LIMIT $2
            """
    }

    /// Products with their batches (allocated totals included) and only the lines of the orders
    /// asked for, so the cost of a load does not grow with a product's history.
    ///
    /// Every table is reached by index from the arrays (`$1` holds distinct SKUs): each product by
    /// its key, its batches by SKU, each order's lines by its key, once per order. The subqueries
    /// the planner may not flatten (`LIMIT`, `OFFSET 0`) keep it that way in the one generic plan
    /// PostgreSQL caches for the connection, whatever the tables' sizes — so a group pays no
    /// planning (a custom plan of the join took 0.6–0.8 ms, a tenth of a 16-client group's round),
    /// and no plan reads a table whole (a generic plan of the plain join scanned `products` and
    /// `batches`; one made while `allocations` was small hashed all of it to join the orders).
    /// `PlanShapeTests` checks this on empty and just-vacuumed tables.
    enum LoadProducts: PreparedSQL {
        static let sql = select(skus: "$1", orders: "$2")

        /// The statement with its arrays at the given placeholders, and `leading` columns first.
        static func select(leading: String = "", skus: String, orders: String) -> String {
            """
            WITH lines AS MATERIALIZED (
                SELECT l.orderid, l.sku, l.batch_reference, l.quantity FROM unnest(\(orders)::text[]) AS o(orderid)
                CROSS JOIN LATERAL (
                    SELECT orderid, sku, batch_reference, quantity FROM allocations
                    WHERE orderid = o.orderid AND sku = ANY(\(skus)::text[]) OFFSET 0
                ) l
            )
            SELECT \(leading)p.sku, p.version, b.reference, b.purchased_quantity, b.allocated_quantity,
                   to_char(b.eta, 'YYYY-MM-DD'), a.orderid, a.quantity
            FROM unnest(\(skus)::text[]) AS s(sku)
            CROSS JOIN LATERAL (SELECT sku, version FROM products WHERE sku = s.sku LIMIT 1) p
            LEFT JOIN LATERAL (
                SELECT reference, purchased_quantity, allocated_quantity, eta FROM batches WHERE sku = p.sku OFFSET 0
            ) b ON true
            LEFT JOIN lines a ON a.sku = p.sku AND a.batch_reference = b.reference
            ORDER BY p.sku, b.reference
            """
        }
    }

    /// Lines leaving their batch (deallocation, a shrinking batch). Apart from `flush` because a line
    /// may leave and come back (to another batch) in one unit, and the parts of one statement run in
    /// no defined order. The keys also appear as `= ANY(array)`: an index condition on the table
    /// side, so that no plan joins by reading `allocations` whole (`PlanShapeTests`).
    enum RemoveAllocations: PreparedSQL {
        static let sql = """
            DELETE FROM allocations a USING unnest($1::text[], $2::text[]) AS r(sku, orderid)
            WHERE a.sku = r.sku AND a.orderid = r.orderid AND a.orderid = ANY($2::text[])
            """
    }

    /// Everything else a unit of work changed, in one statement: the version compare-and-set of
    /// changed products, new products, batch changes, new lines, the outbox's events in the order
    /// raised, and the processed command ids with their last event. Answers one row per recorded
    /// command (or one row without one). Should a compare-and-set match no row (another writer
    /// changed the product since it was loaded), it raises a serialization failure, so that it can
    /// run outside a transaction and commit as it ends: a group's unit does that.
    ///
    /// With `$28` true the events get their positions here, under the `event_head` row lock this
    /// statement takes and holds until its commit: events committed earlier and still unnumbered
    /// (a command alone waiting for its round, or a process that died before its round) are
    /// numbered first, then the unit's own, so positions stay gap-free and each aggregate's events
    /// stay in version order; whoever numbers next waits for this commit, and no sequencing round is
    /// needed after it. Should a round number some of those earlier events while this statement
    /// waited for the lock, it raises a serialization failure too (its count would leave a gap).
    /// A group commit does this — one holder of the lock per many commands; a command alone leaves
    /// its events to the `Sequencer`, so that concurrent single commands do not queue on the lock.
    /// Its first row then also carries the events' positions, ids and time (in the order raised):
    /// with what the unit sent, the whole envelopes, which the relay publishes without reading them
    /// back (`CommittedFrames`).
    ///
    /// The events' `occurred_at` is this statement's own time (`clock_timestamp()`, once for all of
    /// them), not the column's default `now()`: that is the transaction's start, which for a command
    /// that loads in a transaction first is up to the whole command earlier than its commit, while
    /// `occurred_at` promises the commit (docs/PROTOCOL.md) and lags are measured from it.
    ///
    /// The updated products' and batches' keys also appear as `= ANY(array)`, as in
    /// `RemoveAllocations`: an index condition on the table side of each join.
    enum Flush: PreparedSQL {
        static let sql = """
            WITH changed_products AS (
                UPDATE products p SET version = c.new_version
                FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS c(sku, old_version, new_version)
                WHERE p.sku = c.sku AND p.version = c.old_version AND p.sku = ANY($1::text[])
                RETURNING 1
            ), new_products AS (
                INSERT INTO products (sku, version) SELECT * FROM unnest($4::text[], $5::bigint[])
            ), changed_batches AS (
                UPDATE batches b SET purchased_quantity = c.purchased, allocated_quantity = c.allocated
                FROM unnest($6::text[], $7::int[], $8::int[]) AS c(reference, purchased, allocated)
                WHERE b.reference = c.reference AND b.reference = ANY($6::text[])
            ), new_batches AS (
                INSERT INTO batches (reference, sku, purchased_quantity, allocated_quantity, eta)
                SELECT b.reference, b.sku, b.purchased, b.allocated, NULLIF(b.eta, '')::date
                FROM unnest($9::text[], $10::text[], $11::int[], $12::int[], $13::text[])
                     AS b(reference, sku, purchased, allocated, eta)
            ), new_lines AS (
                INSERT INTO allocations (orderid, sku, batch_reference, quantity)
                SELECT l.orderid, l.sku, l.batch, l.quantity
                FROM unnest($14::text[], $15::text[], $16::text[], $17::int[]) WITH ORDINALITY
                     AS l(orderid, sku, batch, quantity, n)
                ORDER BY l.n
            ), pending AS (
                SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM event_log
                WHERE position IS NULL AND $28::boolean
            ), head AS (
                UPDATE event_head SET head = head + (SELECT count(*) FROM pending) + cardinality($18::text[])
                WHERE id = 1 AND $28::boolean
                RETURNING head - (SELECT count(*) FROM pending) - cardinality($18::text[]) AS before
            ), numbered AS (
                UPDATE event_log e SET position = (SELECT before FROM head) + p.n FROM pending p
                WHERE e.seq = p.seq AND e.position IS NULL
                RETURNING 1
            ), stamp AS (
                SELECT clock_timestamp() AS at
            ), events AS (
                INSERT INTO event_log
                    (type, schema_version, aggregate_id, aggregate_version, command_id, payload, position, issued_by,
                     occurred_at)
                SELECT e.type, e.version, e.aggregate, e.aggregate_version, e.command_id, e.payload,
                       (SELECT before FROM head) + (SELECT count(*) FROM pending) + e.n, NULLIF(e.issued_by, ''),
                       (SELECT at FROM stamp)
                FROM unnest($18::text[], $19::int[], $20::text[], $21::bigint[], $22::text[], $23::text[], $29::text[])
                     WITH ORDINALITY AS e(type, version, aggregate, aggregate_version, command_id, payload, issued_by, n)
                ORDER BY e.n
                RETURNING seq, command_id, position, event_id
            ), commands AS (
                SELECT c.command_id, c.fingerprint, c.outcome, NULLIF(c.batch_reference, '') AS batch_reference,
                       NULLIF(c.issued_by, '') AS issued_by, c.n
                FROM unnest($24::text[], $25::text[], $26::text[], $27::text[], $30::text[]) WITH ORDINALITY
                     AS c(command_id, fingerprint, outcome, batch_reference, issued_by, n)
            ), processed AS (
                INSERT INTO processed_commands (command_id, fingerprint, outcome, batch_reference, issued_by, last_event_seq)
                SELECT c.command_id, c.fingerprint, c.outcome, c.batch_reference, c.issued_by,
                       (SELECT max(e.seq) FROM events e WHERE e.command_id = c.command_id)
                FROM commands c
            ), refused AS (
                SELECT CASE
                    WHEN (SELECT count(*) FROM changed_products) <> cardinality($1::text[])
                        THEN cosmic_conflict('a product changed since it was loaded')
                    WHEN (SELECT count(*) FROM numbered) <> (SELECT count(*) FROM pending)
                        THEN cosmic_conflict('events were numbered meanwhile')
                    ELSE 0 END AS nothing
            )
            SELECT (SELECT nothing FROM refused), c.command_id,
                   (SELECT max(e.seq) FROM events e WHERE e.command_id = c.command_id),
                   (SELECT max(e.position) FROM events e WHERE e.command_id = c.command_id),
                   (SELECT max(seq) FROM events),
                   CASE WHEN c.first AND $28::boolean THEN (SELECT array_agg(position ORDER BY position) FROM events) END,
                   CASE WHEN c.first AND $28::boolean THEN (SELECT array_agg(event_id ORDER BY position) FROM events) END,
                   CASE WHEN c.first AND $28::boolean THEN (SELECT at FROM stamp) END
            FROM (SELECT NULL::text AS command_id, true AS first WHERE NOT EXISTS (SELECT 1 FROM commands)
                  UNION ALL SELECT command_id, n = 1 FROM commands) c
            """
    }
}

/// Runs one of `Statements` as a prepared statement; rows come back undecoded.
struct Prepared<Text: PreparedSQL>: PostgresPreparedStatement {
    static var sql: String { Text.sql }
    static var name: String { "cosmic.\(Text.self)" }
    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

extension PostgresBindings {
    /// Parameters in order, `$1` first.
    init(_ values: any PostgresDynamicTypeEncodable...) {
        self.init(capacity: values.count)
        for value in values { append(value) }
    }
}

extension PostgresConnection {
    /// `Text` with its parameters as a prepared statement; rows come back undecoded.
    func execute<Text: PreparedSQL>(_ text: Text.Type, _ bindings: PostgresBindings, logger: Logger) async throws
        -> AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>
    {
        try checkOpen()
        return try await execute(Prepared<Text>(bindings: bindings), logger: logger)
    }

    /// Runs `Text` for its effect (a lock, a delete), reading its rows to the end and dropping them.
    func run<Text: PreparedSQL>(_ text: Text.Type, _ bindings: PostgresBindings, logger: Logger) async throws {
        for try await _ in try await execute(text, bindings, logger: logger) {}
    }
}
