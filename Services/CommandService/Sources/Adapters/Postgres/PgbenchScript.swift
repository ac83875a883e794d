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
        let sample = try OrderLine(orderID: OrderID("pgbench-order-0000000001"), sku: SKU("pgbench-sku-1"), quantity: 1)
        let event = try EventPayload(Allocated(line: sample, batchReference: BatchReference("pgbench-batch-1")))
        let payload = String(decoding: event.jsonData(), as: UTF8.self)
        let fingerprint = String(repeating: "f", count: 64)
        func array(_ element: String) -> String { "ARRAY[\(element)]" }
        func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
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
