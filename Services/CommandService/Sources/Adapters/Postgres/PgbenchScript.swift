import Contracts
import Domain
import Foundation

/// The pgbench ceiling: the statements one allocate command sends when it commits alone, made into
/// a pgbench script from the very text of `Statements`, so it cannot drift from the code.
///
/// Each `$n` becomes a pgbench variable or a constant of the same shape (a one-element array where
/// the service binds arrays). The script expects products and batches named `1`…`:skus` (the ceiling
/// script creates them) and takes the loaded version and allocated total from the load's own row
/// (`\gset`), so the version compare-and-set and the batch update really match, as they do for us.
public enum PgbenchScript {
    public static func allocate() throws -> String {
        let (event, payload) = try sampleEvent()
        func array(_ element: String) -> String { "ARRAY[\(element)]" }
        let none = "'{}'"
        let flush: [Int: String] = [
            1: array(":sku"), 2: array(":p_version"), 3: array(":next_version"),
            4: none, 5: none,
            6: array(":p_reference"), 7: array(":p_purchased_quantity"), 8: array(":next_allocated"),
            9: none, 10: none, 11: none, 12: none, 13: none,
            14: array(":n"), 15: array(":sku"), 16: array(":p_reference"), 17: array("1"),
            18: array(literal(event.type.rawValue)), 19: array("\(event.type.currentSchemaVersion)"),
            20: array(":sku"), 21: array(":next_version"), 22: array(":n"), 23: array(literal(payload)),
            24: array(":n"), 25: array(literal(fingerprint)), 26: array(literal("allocated")),
            27: array(":p_reference"),
            28: "false",  // a command committed alone leaves its events to the sequencer
            29: array("''"), 30: array("''"),  // issued by nobody, as allocations are in plaintext mode
        ]
        return """
            -- The SQL of one allocate command committed alone, generated from Statements.swift by
            -- `cosmic-command --print-pgbench-script`. Variables: -D skus=<number of products>.
            -- Run it with -M prepared: the service prepares these statements once per connection too.
            \(pgoptionsLine)
            \\set n random(1, 1000000000000000)
            \\set sku random(1, :skus)
            BEGIN;
            \(substitute(Statements.PreviousOutcome.sql, [1: ":n"]));
            \(substitute(Statements.LockProduct.sql, [1: ":sku"]));
            \(substitute(Statements.LoadProducts.sql, [1: array(":sku"), 2: array(":n")]))
            \\gset p_
            \\set next_version :p_version + 1
            \\set next_allocated :p_allocated_quantity + 1
            \(substitute(Statements.Flush.sql, flush));
            COMMIT;

            """
    }

    /// The SQL of a group of `size` allocate commands as the group commit sends it once its products
    /// are in the `ProductCache`: the flush alone, which numbers the group's events and commits as it
    /// ends. The ceiling of the group's own SQL: what PostgreSQL needs for the commands a group
    /// carries, with nothing of the service around it.
    ///
    /// Each pgbench client owns `size` consecutive products (`:skus` should be at least clients ×
    /// `size`), as groups in flight never share one. Like the service, it reads them once, with the
    /// group's read-ahead (pgbench's `\gset` takes one row, so an aggregate gathers the rows around
    /// the very statement), and from then on knows them from its own writes: each run moves every
    /// product's version and batch total on by one (`:round`, which starts at 0). The flush takes
    /// its arrays back with `string_to_array`; the statements are otherwise the service's text.
    public static func allocateGroup(size: Int) throws -> String {
        precondition(size >= 1, "a group has at least one command")
        let (event, payload) = try sampleEvent()
        func each(_ value: String, _ type: String) -> String { "array_fill(\(value)::\(type), ARRAY[\(size)])" }
        func gathered(_ name: String) -> String { "string_to_array(:p_\(name), ',')" }
        /// A gathered list of numbers, each moved on by `by`, in the read-ahead's order.
        func advanced(_ name: String, by: String) -> String {
            "ARRAY(SELECT u.v::bigint + \(by) FROM unnest(\(gathered(name))) WITH ORDINALITY AS u(v, i) ORDER BY u.i)"
        }
        let ids =
            "ARRAY(SELECT :n::text || '-' || u.s FROM unnest(\(gathered("skus"))) WITH ORDINALITY AS u(s, i) ORDER BY u.i)"
        let products = "ARRAY(SELECT g::text FROM generate_series(:base + 1, :base + \(size)) g)"
        let none = "'{}'"
        let flush: [Int: String] = [
            1: gathered("skus"), 2: advanced("versions", by: ":round"), 3: advanced("versions", by: ":round + 1"),
            4: none, 5: none,
            6: gathered("refs"), 7: gathered("purchased"), 8: advanced("allocated", by: ":round + 1"),
            9: none, 10: none, 11: none, 12: none, 13: none,
            14: ids, 15: gathered("skus"), 16: gathered("refs"), 17: each("1", "int"),
            18: each(literal(event.type.rawValue), "text"), 19: each("\(event.type.currentSchemaVersion)", "int"),
            20: gathered("skus"), 21: advanced("versions", by: ":round + 1"), 22: ids,
            23: each(literal(payload), "text"),
            24: ids, 25: each(literal(fingerprint), "text"),
            26: each(literal("allocated"), "text"), 27: gathered("refs"),
            28: "true",  // a group numbers its events in its flush
            29: each("''", "text"), 30: each("''", "text"),
        ]
        return """
            -- The SQL of a group of \(size) allocate commands, as the group commit sends it once its products are
            -- cached, generated from Statements.swift by `cosmic-command --print-pgbench-script --group \(size)`.
            -- Variables: -D skus=<number of products, at least clients x \(size)> -D round=0.
            -- Run it with -M prepared, as the service prepares its statements.
            \(pgoptionsLine)
            \\set n random(1, 1000000000000000)
            \\set base :client_id * \(size)
            \\if :round = 0
            SELECT string_agg(r.sku, ',' ORDER BY r.sku) AS skus, string_agg(r.version::text, ',' ORDER BY r.sku) AS versions,
                   string_agg(r.reference, ',' ORDER BY r.sku) AS refs,
                   string_agg(r.purchased::text, ',' ORDER BY r.sku) AS purchased,
                   string_agg(r.allocated::text, ',' ORDER BY r.sku) AS allocated
            FROM (\(substitute(Statements.ReadAhead.sql, [1: "'{}'", 2: products, 3: "'{}'"]))) r WHERE r.sku IS NOT NULL
            \\gset p_
            \\endif
            \(substitute(Statements.Flush.sql, flush));
            \\set round :round + 1

            """
    }

    /// The event every scripted allocation stores, and its payload's JSON: one real `Allocated`.
    private static func sampleEvent() throws -> (EventPayload, String) {
        let line = try OrderLine(orderID: OrderID("pgbench-order-0000000001"), sku: SKU("pgbench-sku-1"), quantity: 1)
        let event = try EventPayload(Allocated(line: line, batchReference: BatchReference("pgbench-batch-1")))
        return (event, String(decoding: event.jsonData(), as: UTF8.self))
    }

    /// The service's connection settings (`DatabaseURL.plannerSettings`) as pgbench's `PGOPTIONS`,
    /// on a comment line of their own: the runner passes them on, so the ceiling plans as we do.
    private static var pgoptionsLine: String {
        "-- PGOPTIONS: " + DatabaseURL.plannerSettings.map { "-c \($0.0)=\($0.1)" }.joined(separator: " ")
    }

    /// A fingerprint of the right shape for the stored command ids.
    private static let fingerprint = String(repeating: "f", count: 64)

    private static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The setup the script expects: `skus` products with one roomy batch each, named by number.
    public static func setup(skus: Int) -> String {
        """
        INSERT INTO products (sku, version) SELECT g::text, 0 FROM generate_series(1, \(skus)) g
            ON CONFLICT DO NOTHING;
        INSERT INTO batches (reference, sku, purchased_quantity, allocated_quantity)
            SELECT g::text, g::text, 2000000000, 0 FROM generate_series(1, \(skus)) g ON CONFLICT DO NOTHING;

        """
    }

    /// `sql` with each `$n` replaced by `values[n]`; every placeholder must have a value.
    static func substitute(_ sql: String, _ values: [Int: String]) -> String {
        var result = ""
        var rest = sql[...]
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let digits = rest[rest.index(after: dollar)...].prefix(while: \.isNumber)
            guard let number = Int(digits), let value = values[number] else {
                preconditionFailure("no pgbench value for $\(digits) in \(sql)")
            }
            result += value
            rest = rest[digits.endIndex...]
        }
        return (result + rest).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
    }
}
