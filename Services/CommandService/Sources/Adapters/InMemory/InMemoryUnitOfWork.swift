import Domain

/// A unit of work over `InMemoryStore`: reads committed state, keeps changes to itself until
/// `commit()`, which applies them atomically or not at all.
final class InMemoryUnitOfWork: GroupUnitOfWork {
    private let store: InMemoryStore
    private let repository: InMemoryProductRepository
    /// Commands recorded in this unit; the events written since the previous record are their own.
    private var recorded: [(id: String, command: StoredCommand, eventsEnd: Int)] = []
    private var lastEvents: [String: EventMark] = [:]

    init(store: InMemoryStore) {
        self.store = store
        self.repository = InMemoryProductRepository(store: store)
    }

    func repository<Port>(_: Port.Type) -> Port? { repository as? Port }

    func previousOutcome(of commandID: String) async throws -> StoredCommand? {
        store.state.withLock { $0.commands[commandID] }
    }

    func record(commandID: String, fingerprint: String, outcome: CommandOutcome) async throws {
        recorded.append(
            (
                commandID, StoredCommand(fingerprint: fingerprint, outcome: outcome, lastEvent: nil),
                repository.written.count
            ))
    }

    func collectNewEvents() -> [any ProductEvent] {
        repository.takeUndispatched()
    }

    func isolated(_ body: () async throws -> Void) async throws {
        let saved = repository.snapshot()
        let savedRecords = recorded.count
        do {
            try await body()
        } catch {
            repository.restore(saved)
            recorded.removeLast(recorded.count - savedRecords)
            throw error
        }
    }

    func lastEvent(of commandID: String) -> EventMark? { lastEvents[commandID] }

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
            for (id, _, _) in recorded where state.commands[id] != nil {
                throw .conflict("command \(id) was handled by another writer")
            }
            for (sku, product) in changes { state.products[sku] = product }
            var marks: [String: EventMark] = [:]
            for (index, entry) in written.enumerated() {
                let mark = EventMark(Int64(state.journal.count + 1))
                let owner = recorded.first(where: { $0.eventsEnd > index })?.id ?? recorded.last?.id ?? ""
                state.journal.append(
                    .init(mark: mark, commandID: owner, aggregateVersion: entry.version, event: entry.event))
                marks[owner] = mark
            }
            let last = written.isEmpty ? nil : EventMark(Int64(state.journal.count))
            for (id, command, _) in recorded {
                state.commands[id] = StoredCommand(
                    fingerprint: command.fingerprint, outcome: command.outcome, lastEvent: marks[id])
            }
            lastEvents = marks
            state.commits += 1
            return last
        }
    }
}
