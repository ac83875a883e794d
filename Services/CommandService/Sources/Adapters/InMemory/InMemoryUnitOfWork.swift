import Domain

/// A unit of work over `InMemoryStore`: reads committed state, keeps changes to itself until
/// `commit()`, which applies them atomically or not at all.
final class InMemoryUnitOfWork: UnitOfWork {
    private let store: InMemoryStore
    private let repository: InMemoryProductRepository
    private var recorded: (id: String, command: StoredCommand)?
    private var pending: [(commandID: String?, version: Int, event: any ProductEvent)] = []

    init(store: InMemoryStore) {
        self.store = store
        self.repository = InMemoryProductRepository(store: store)
    }

    var products: any ProductRepository { repository }

    func previousOutcome(of commandID: String) async throws -> StoredCommand? {
        store.state.withLock { $0.commands[commandID] }
    }

    func record(commandID: String, fingerprint: String, outcome: CommandOutcome) async throws {
        recorded = (commandID, StoredCommand(fingerprint: fingerprint, outcome: outcome, lastEvent: nil))
    }

    func collectNewEvents() -> [any ProductEvent] {
        repository.takeUndispatched()
    }

    func isolated(_ body: () async throws -> Void) async throws {
        let saved = repository.snapshot()
        do {
            try await body()
        } catch {
            repository.restore(saved)
            throw error
        }
    }

    func commit() async throws -> EventMark? {
        let changes = repository.changes
        let written = repository.written
        let recorded = self.recorded
        return try store.state.withLock { state throws(UnitOfWorkError) -> EventMark? in
            for (sku, product) in changes {
                guard state.products[sku]?.version == repository.loadedVersions[sku] else {
                    throw .conflict("product \(sku) changed since it was loaded")
                }
                for batch in product.batches
                where state.products.values.contains(where: {
                    $0.sku != sku && $0.batch(batch.reference) != nil
                }) {
                    throw .conflict("batch \(batch.reference) was created by another writer")
                }
            }
            if let recorded, state.commands[recorded.id] != nil {
                throw .conflict("command \(recorded.id) was handled by another writer")
            }
            for (sku, product) in changes { state.products[sku] = product }
            for entry in written {
                let mark = EventMark(Int64(state.journal.count + 1))
                state.journal.append(
                    .init(
                        mark: mark, commandID: recorded?.id ?? "", aggregateVersion: entry.version,
                        event: entry.event))
            }
            let last = written.isEmpty ? nil : EventMark(Int64(state.journal.count))
            if let (id, command) = recorded {
                state.commands[id] = StoredCommand(
                    fingerprint: command.fingerprint, outcome: command.outcome, lastEvent: last)
            }
            state.commits += 1
            return last
        }
    }
}
