import Domain

/// The fake procurement repositories: an identity map over the store's committed documents.
final class InMemoryProcurementRepository: ProcurementRepositoryAdapter {
    private let store: InMemoryStore
    var tracking = ProcurementTracking()

    init(store: InMemoryStore) { self.store = store }

    func load(_ key: ProcurementDocument.Key) async throws -> ProcurementDocument? {
        store.state.withLock { $0.documents[key] }
    }

    func loadInvoices(of order: PurchaseOrderNumber) async throws -> [ProcurementDocument] {
        store.state.withLock { state in
            state.documents.values.filter { $0.parent.map(IdentifierKey.init) == IdentifierKey(order.rawValue) }
        }
    }
}
