import Domain
import Logging
import PostgresNIO

/// Products in PostgreSQL, read inside one unit of work's transaction; their changes are written
/// at commit, all in one statement (`Statements.Flush`).
///
/// Reads fetch a product's batches with their allocated totals plus only the order lines the
/// command concerns, so the cost of a command does not grow with the product's history.
///
/// Two locks guard a product. By default a load first takes the product's row lock, so writers of
/// one hot product queue instead of doing work that a conflict would throw away. Writes always
/// compare-and-set the version (the optimistic lock), which alone keeps the rules when loads do not
/// lock — as a group's read-ahead does not (its commands queue in the group committer instead).
final class PostgresProductRepository: ProductRepository {
    /// A product handed out in this unit: the latest saved copy, and what the database holds (nil
    /// for a product new in this unit). Their difference is what the commit writes.
    struct Tracked {
        var product: Product
        var persisted: Product?
        var ordersLoaded: Set<OrderID>
        /// Whether this unit holds the product's row lock (taken at load), which keeps it as read.
        var locked: Bool
        /// Whether a handler was given the product, and so may have decided something from it.
        var consulted = false
    }

    /// Where an isolated command began (`snapshot()`), to undo it should it fail: the events so far.
    /// The products it changes are kept aside as it changes them (`undo`) rather than copied with
    /// everything tracked, which each command of a large group would copy whole at its first change.
    struct Snapshot {
        let written: Int
        let undispatched: [any Event]
    }

    private let session: PostgresSession
    private var connection: PostgresConnection { session.connection }
    private var logger: Logger { session.logger }
    private let lockOnLoad: Bool
    private var tracked: [SKU: Tracked] = [:]
    /// While a command is isolated, each product it changed as it was before (nil: not tracked).
    private var undo: [SKU: Tracked?]?
    private(set) var written: [(version: Int, event: any Event)] = []
    private var undispatched: [any Event] = []

    init(session: PostgresSession, lockOnLoad: Bool) {
        self.session = session
        self.lockOnLoad = lockOnLoad
    }

    func get(_ sku: SKU, withLinesOf orderID: OrderID?) async throws -> Product? {
        if var entry = tracked[sku] {
            let needsLines = orderID.map { !entry.ordersLoaded.contains($0) } ?? false
            guard needsLines || !entry.consulted else { return entry.product }
            entry.consulted = true
            if let orderID, needsLines {
                let lines = try await orderLines(orderID, sku)
                entry.product = merging(lines, into: entry.product)
                entry.persisted = entry.persisted.map { merging(lines, into: $0) }
                entry.ordersLoaded.insert(orderID)
            }
            setTracked(sku, entry)
            return entry.product
        }
        guard let product = try await load(sku, withLinesOf: orderID) else { return nil }
        setTracked(
            sku,
            Tracked(
                product: product, persisted: product, ordersLoaded: orderID.map { [$0] } ?? [], locked: lockOnLoad,
                consulted: true))
        return product
    }

    func get(batch reference: BatchReference, reducingTo quantity: Int?) async throws -> Product? {
        var product: Product
        if var entry = tracked.values.first(where: { $0.product.batch(reference) != nil }) {
            product = entry.product
            entry.consulted = true
            setTracked(product.sku, entry)
        } else {
            let owner = try await connection.checkedQuery(
                "SELECT sku FROM batches WHERE reference = \(reference.rawValue)", logger: logger)
            var sku: SKU?
            for try await raw in owner.decode(String.self) { sku = SKU(unchecked: raw) }
            guard let sku, let loaded = try await load(sku, withLinesOf: nil) else { return nil }
            setTracked(
                sku, Tracked(product: loaded, persisted: loaded, ordersLoaded: [], locked: lockOnLoad, consulted: true))
            product = loaded
        }
        guard let quantity, let batch = product.batch(reference), batch.allocatedQuantity > quantity else {
            return product
        }
        let lines = try await newestLines(of: reference, covering: batch.allocatedQuantity - quantity)
        var entry = tracked[product.sku]!
        entry.product = merging(lines, into: entry.product)
        entry.persisted = entry.persisted.map { merging(lines, into: $0) }
        // Writes wait for the commit: a later read of these orders must not fetch them again.
        entry.ordersLoaded.formUnion(lines.values.joined().map(\.orderID))
        setTracked(product.sku, entry)
        return entry.product
    }

    func add(_ product: Product) async throws {
        guard tracked[product.sku] == nil else {
            throw UnitOfWorkError.conflict("product \(product.sku) is tracked already")
        }
        setTracked(product.sku, Tracked(product: product, persisted: nil, ordersLoaded: [], locked: false))
    }

    func save(_ product: Product) async throws {
        var product = product
        let events = product.takeEvents()
        guard var entry = tracked[product.sku] else {
            preconditionFailure("save of product \(product.sku) that this unit of work never handed out")
        }
        entry.product = product
        setTracked(product.sku, entry)
        written += events.map { (product.version, $0) }
        undispatched += events
    }

    /// Every product this unit handed out or read, as it stands now (after a commit: as stored).
    var products: some Sequence<Product> { tracked.values.lazy.map(\.product) }

    func takeUndispatched() -> [any Event] {
        defer { undispatched = [] }
        return undispatched
    }

    /// Begins isolating a command: what it changes from here on can be undone (`restore`) or kept.
    func snapshot() -> Snapshot {
        undo = [:]
        return Snapshot(written: written.count, undispatched: undispatched)
    }

    /// Undoes what the command isolated since `snapshot` changed.
    func restore(_ snapshot: Snapshot) {
        for (sku, before) in undo ?? [:] { tracked[sku] = before }
        undo = nil
        written.removeLast(written.count - snapshot.written)
        undispatched = snapshot.undispatched
    }

    /// Keeps what the command isolated since `snapshot` changed.
    func keep(_ snapshot: Snapshot) { undo = nil }

    /// Sets a product's entry, keeping the one before aside while a command is isolated.
    private func setTracked(_ sku: SKU, _ entry: Tracked) {
        if undo != nil, undo!.index(forKey: sku) == nil { undo!.updateValue(tracked[sku], forKey: sku) }
        tracked[sku] = entry
    }

    // MARK: Reading

    /// Tracks products a group read ahead (`Statements.ReadAhead`, without locks: the flush's
    /// compare-and-set guards them), with the lines of `orderIDs`: later `get`s are answered
    /// without a round trip. Products from the `ProductCache` come without those lines; a line
    /// they do not show collides with its key in the flush, which then commits nothing.
    func track(readAhead products: [Product], withLinesOf orderIDs: [OrderID]) {
        let orders = Set(orderIDs)  // one set for all the group's products (they share its storage)
        for product in products where tracked[product.sku] == nil {
            tracked[product.sku] = Tracked(product: product, persisted: product, ordersLoaded: orders, locked: false)
        }
    }

    private func load(_ sku: SKU, withLinesOf orderID: OrderID?) async throws -> Product? {
        if lockOnLoad {
            try await session.begin()
            try await connection.run(Statements.LockProduct.self, PostgresBindings(sku.rawValue), logger: logger)
        }
        return try await loadProducts([sku], withLinesOf: orderID.map { [$0] } ?? []).first
    }

    private func loadProducts(_ skus: [SKU], withLinesOf orderIDs: [OrderID]) async throws -> [Product] {
        // Each order once: the lines are joined per order asked for, so an order asked for twice
        // (two commands of a group on one order) would come back twice.
        let orders = Array(Set(orderIDs.map(\.rawValue)))
        let rows = try await connection.execute(
            Statements.LoadProducts.self, PostgresBindings(skus.map(\.rawValue), orders), logger: logger)
        var loaded = ProductRows()
        for try await row in rows {
            let (sku, version, reference, purchased, allocated, eta, order, quantity) = try row.decode(
                (String, Int, String?, Int?, Int?, String?, String?, Int?).self)
            try loaded.add(
                sku: sku, version: version, reference: reference, purchased: purchased, allocated: allocated, eta: eta,
                order: order, quantity: quantity)
        }
        return loaded.products
    }

    private func orderLines(_ orderID: OrderID, _ sku: SKU) async throws -> [BatchReference: [OrderLine]] {
        let rows = try await connection.checkedQuery(
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
        let rows = try await connection.checkedQuery(
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

    /// What the unit changed, as the columns of `Statements.Flush` and `Statements.RemoveAllocations`.
    ///
    /// A product a handler was given without its row lock (a group's read-ahead) is compared-and-set
    /// even when unchanged: an outcome decided from it — an out-of-stock, say — must not commit if
    /// another writer changed it meanwhile (DESIGN invariant 8).
    func changes() -> ProductChanges {
        var changes = ProductChanges()
        for (sku, entry) in tracked.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            changes.add(
                entry.product, over: entry.persisted, sku: sku, verifyUnchanged: entry.consulted && !entry.locked)
        }
        return changes
    }
}
