import Domain
import Logging
import PostgresNIO

/// Products in PostgreSQL, read and written inside one unit of work's transaction.
///
/// Reads fetch a product's batches with their allocated totals plus only the order lines the
/// command concerns, so the cost of a command does not grow with the product's history.
///
/// Two locks guard a product. By default a load first takes the product's row lock, so writers of
/// one hot product queue instead of doing work that a conflict would throw away. Writes always
/// compare-and-set the version (the optimistic lock), which alone keeps the rules when loads do not
/// lock. The lock is its own statement: a statement that locks and reads joined rows at once would,
/// after waiting, see the product's new row beside the batches' old ones.
final class PostgresProductRepository: ProductRepository {
    /// A product handed out in this unit: the latest saved copy, and what the database now holds
    /// (nil until a new product is first written).
    struct Tracked {
        var product: Product
        var persisted: Product?
        var ordersLoaded: Set<OrderID>
    }

    struct Snapshot {
        let tracked: [SKU: Tracked]
        let written: [(version: Int, event: any ProductEvent)]
        let undispatched: [any ProductEvent]
    }

    private let connection: PostgresConnection
    private let logger: Logger
    private let lockOnLoad: Bool
    private var tracked: [SKU: Tracked] = [:]
    private(set) var written: [(version: Int, event: any ProductEvent)] = []
    private var undispatched: [any ProductEvent] = []

    init(connection: PostgresConnection, logger: Logger, lockOnLoad: Bool) {
        self.connection = connection
        self.logger = logger
        self.lockOnLoad = lockOnLoad
    }

    func get(_ sku: SKU, withLinesOf orderID: OrderID?) async throws -> Product? {
        if var entry = tracked[sku] {
            if let orderID, !entry.ordersLoaded.contains(orderID) {
                let lines = try await orderLines(orderID, sku)
                entry.product = merging(lines, into: entry.product)
                entry.persisted = entry.persisted.map { merging(lines, into: $0) }
                entry.ordersLoaded.insert(orderID)
                tracked[sku] = entry
            }
            return entry.product
        }
        guard let product = try await load(sku, withLinesOf: orderID) else { return nil }
        tracked[sku] = Tracked(product: product, persisted: product, ordersLoaded: orderID.map { [$0] } ?? [])
        return product
    }

    func get(batch reference: BatchReference, reducingTo quantity: Int?) async throws -> Product? {
        var product: Product
        if let entry = tracked.values.first(where: { $0.product.batch(reference) != nil }) {
            product = entry.product
        } else {
            let owner = try await connection.query(
                "SELECT sku FROM batches WHERE reference = \(reference.rawValue)", logger: logger)
            var sku: SKU?
            for try await raw in owner.decode(String.self) { sku = SKU(unchecked: raw) }
            guard let sku, let loaded = try await load(sku, withLinesOf: nil) else { return nil }
            tracked[sku] = Tracked(product: loaded, persisted: loaded, ordersLoaded: [])
            product = loaded
        }
        guard let quantity, let batch = product.batch(reference), batch.allocatedQuantity > quantity else {
            return product
        }
        let lines = try await newestLines(of: reference, covering: batch.allocatedQuantity - quantity)
        var entry = tracked[product.sku]!
        entry.product = merging(lines, into: entry.product)
        entry.persisted = entry.persisted.map { merging(lines, into: $0) }
        tracked[product.sku] = entry
        return entry.product
    }

    func add(_ product: Product) async throws {
        guard tracked[product.sku] == nil else {
            throw UnitOfWorkError.conflict("product \(product.sku) is tracked already")
        }
        tracked[product.sku] = Tracked(product: product, persisted: nil, ordersLoaded: [])
    }

    func save(_ product: Product) async throws {
        var product = product
        let events = product.takeEvents()
        guard var entry = tracked[product.sku] else {
            preconditionFailure("save of product \(product.sku) that this unit of work never handed out")
        }
        try await write(product, over: entry.persisted)
        entry.product = product
        entry.persisted = product
        tracked[product.sku] = entry
        written += events.map { (product.version, $0) }
        undispatched += events
    }

    func takeUndispatched() -> [any ProductEvent] {
        defer { undispatched = [] }
        return undispatched
    }

    func snapshot() -> Snapshot { Snapshot(tracked: tracked, written: written, undispatched: undispatched) }

    func restore(_ snapshot: Snapshot) {
        tracked = snapshot.tracked
        written = snapshot.written
        undispatched = snapshot.undispatched
    }

    // MARK: Reading

    private func load(_ sku: SKU, withLinesOf orderID: OrderID?) async throws -> Product? {
        if lockOnLoad {
            try await connection.query("SELECT 1 FROM products WHERE sku = \(sku.rawValue) FOR UPDATE", logger: logger)
        }
        let rows = try await connection.query(
            """
            SELECT p.version, b.reference, b.purchased_quantity, b.allocated_quantity, to_char(b.eta, 'YYYY-MM-DD'),
                   a.orderid, a.quantity
            FROM products p
            LEFT JOIN batches b ON b.sku = p.sku
            LEFT JOIN allocations a ON a.batch_reference = b.reference AND a.orderid = \(orderID?.rawValue)
            WHERE p.sku = \(sku.rawValue)
            ORDER BY b.reference
            """, logger: logger)
        var version: Int?
        var batches: [Batch] = []
        for try await (v, reference, purchased, allocated, eta, order, quantity) in rows.decode(
            (Int, String?, Int?, Int?, String?, String?, Int?).self)
        {
            version = v
            guard let reference, let purchased, let allocated else { continue }
            var known: [OrderLine] = []
            if let order, let quantity {
                known.append(try OrderLine(orderID: OrderID(unchecked: order), sku: sku, quantity: quantity))
            }
            batches.append(
                Batch(
                    reference: BatchReference(unchecked: reference), sku: sku, eta: try eta.map(Day.init(iso8601:)),
                    purchasedQuantity: purchased, allocatedQuantity: allocated, knownAllocations: known))
        }
        return version.map { Product(sku: sku, batches: batches, version: $0) }
    }

    private func orderLines(_ orderID: OrderID, _ sku: SKU) async throws -> [BatchReference: [OrderLine]] {
        let rows = try await connection.query(
            """
            SELECT batch_reference, quantity FROM allocations WHERE orderid = \(orderID.rawValue) AND sku = \(sku.rawValue)
            """, logger: logger)
        var lines: [BatchReference: [OrderLine]] = [:]
        for try await (reference, quantity) in rows.decode((String, Int).self) {
            lines[BatchReference(unchecked: reference), default: []].append(
                try OrderLine(orderID: orderID, sku: sku, quantity: quantity))
        }
        return lines
    }

    /// The batch's newest lines whose release would cover `excess` units, oldest first.
    private func newestLines(of reference: BatchReference, covering excess: Int) async throws
        -> [BatchReference: [OrderLine]]
    {
        let rows = try await connection.query(
            """
            SELECT orderid, sku, quantity FROM (
                SELECT orderid, sku, quantity, seq, sum(quantity) OVER (ORDER BY seq DESC) - quantity AS newer
                FROM allocations WHERE batch_reference = \(reference.rawValue)
            ) lines
            WHERE newer < \(excess)
            ORDER BY seq
            """, logger: logger)
        var lines: [OrderLine] = []
        for try await (order, sku, quantity) in rows.decode((String, String, Int).self) {
            lines.append(
                try OrderLine(orderID: OrderID(unchecked: order), sku: SKU(unchecked: sku), quantity: quantity))
        }
        return [reference: lines]
    }

    /// The product knowing `lines` too. Lines already known keep their place; fetched lines are
    /// newer than any other known line of their batch, so they go last.
    private func merging(_ lines: [BatchReference: [OrderLine]], into product: Product) -> Product {
        let batches = product.batches.map { batch -> Batch in
            guard let fetched = lines[batch.reference], !fetched.isEmpty else { return batch }
            let older = batch.allocations.filter { !fetched.contains($0) }
            return Batch(
                reference: batch.reference, sku: batch.sku, eta: batch.eta, purchasedQuantity: batch.purchasedQuantity,
                allocatedQuantity: batch.allocatedQuantity, knownAllocations: older + fetched)
        }
        return Product(sku: product.sku, batches: batches, version: product.version)
    }

    // MARK: Writing

    private func write(_ product: Product, over persisted: Product?) async throws {
        let sku = product.sku.rawValue
        if let persisted {
            if product.version != persisted.version {
                let rows = try await connection.query(
                    """
                    UPDATE products SET version = \(product.version)
                    WHERE sku = \(sku) AND version = \(persisted.version) RETURNING 1
                    """, logger: logger)
                var updated = false
                for try await _ in rows { updated = true }
                guard updated else { throw UnitOfWorkError.conflict("product \(sku) changed since it was loaded") }
            }
        } else {
            try await connection.query(
                "INSERT INTO products (sku, version) VALUES (\(sku), \(product.version))", logger: logger)
        }
        for batch in product.batches {
            let old = persisted?.batch(batch.reference)
            if let old {
                if old.purchasedQuantity != batch.purchasedQuantity || old.allocatedQuantity != batch.allocatedQuantity
                {
                    try await connection.query(
                        """
                        UPDATE batches SET purchased_quantity = \(batch.purchasedQuantity),
                                           allocated_quantity = \(batch.allocatedQuantity)
                        WHERE reference = \(batch.reference.rawValue)
                        """, logger: logger)
                }
            } else {
                try await connection.query(
                    """
                    INSERT INTO batches (reference, sku, purchased_quantity, allocated_quantity, eta)
                    VALUES (\(batch.reference.rawValue), \(sku), \(batch.purchasedQuantity), \(batch.allocatedQuantity),
                            \(batch.eta?.description)::date)
                    """, logger: logger)
            }
            let before = old?.allocations ?? []
            let removed = before.filter { !batch.allocations.contains($0) }.map(\.orderID.rawValue)
            let added = batch.allocations.filter { !before.contains($0) }
            if !removed.isEmpty {
                try await connection.query(
                    "DELETE FROM allocations WHERE sku = \(sku) AND orderid = ANY(\(removed)::text[])", logger: logger)
            }
            if !added.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO allocations (orderid, sku, batch_reference, quantity)
                    SELECT o, \(sku), \(batch.reference.rawValue), q
                    FROM unnest(\(added.map(\.orderID.rawValue))::text[], \(added.map(\.quantity))::int[])
                         WITH ORDINALITY AS l(o, q, n)
                    ORDER BY n
                    """, logger: logger)
            }
        }
    }
}
