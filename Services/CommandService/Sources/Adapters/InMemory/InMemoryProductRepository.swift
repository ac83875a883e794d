import Domain

/// The fake repository: an identity map over the store's committed products. It always knows every
/// allocation, so it ignores the load scopes a real adapter uses to read less.
final class InMemoryProductRepository: ProductRepository {
    struct Snapshot {
        let seen: [SKU: Product]
        let changes: [SKU: Product]
        let written: [(version: Int, event: any Event)]
        let undispatched: [any Event]
    }

    private let store: InMemoryStore
    private var seen: [SKU: Product] = [:]
    private(set) var loadedVersions: [SKU: Int] = [:]
    private(set) var changes: [SKU: Product] = [:]
    private(set) var written: [(version: Int, event: any Event)] = []
    private var undispatched: [any Event] = []

    init(store: InMemoryStore) { self.store = store }

    func get(_ sku: SKU, withLinesOf orderID: OrderID?) async throws -> Product? {
        if let product = seen[sku] { return product }
        guard let product = store.product(sku) else { return nil }
        track(product)
        return product
    }

    func get(batch reference: BatchReference, reducingTo quantity: Int?) async throws -> Product? {
        if let product = seen.values.first(where: { $0.batch(reference) != nil }) { return product }
        let committed = store.state.withLock { state in
            state.products.values.first { $0.batch(reference) != nil }
        }
        guard let product = committed else { return nil }
        track(product)
        return product
    }

    func add(_ product: Product) async throws {
        guard seen[product.sku] == nil, store.product(product.sku) == nil else {
            throw UnitOfWorkError.conflict("product \(product.sku) exists already")
        }
        seen[product.sku] = product
    }

    func save(_ product: Product) async throws {
        var product = product
        let events = product.takeEvents()
        seen[product.sku] = product
        changes[product.sku] = product
        written += events.map { (product.version, $0) }
        undispatched += events
    }

    func takeUndispatched() -> [any Event] {
        defer { undispatched = [] }
        return undispatched
    }

    func snapshot() -> Snapshot {
        Snapshot(seen: seen, changes: changes, written: written, undispatched: undispatched)
    }

    func restore(_ snapshot: Snapshot) {
        seen = snapshot.seen
        changes = snapshot.changes
        written = snapshot.written
        undispatched = snapshot.undispatched
    }

    private func track(_ product: Product) {
        seen[product.sku] = product
        loadedVersions[product.sku] = product.version
    }
}
