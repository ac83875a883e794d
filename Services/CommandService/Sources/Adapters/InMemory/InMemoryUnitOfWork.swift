import Domain

/// A unit of work over `InMemoryStore`: reads committed state, keeps changes to itself until
/// `commit()`, which applies them atomically or not at all.
final class InMemoryUnitOfWork: GroupUnitOfWork {
    private let store: InMemoryStore
    private let repository: InMemoryProductRepository
    private let procurement: InMemoryProcurementRepository
    /// Commands recorded in this unit; the events written since the previous record are their own.
    private var recorded: [(id: String, command: StoredCommand, issuedBy: String?, eventsEnd: UnitEvents.End)] = []
    private var lastEvents: [IdentifierKey: EventMark] = [:]

    init(store: InMemoryStore) {
        self.store = store
        self.repository = InMemoryProductRepository(store: store)
        self.procurement = InMemoryProcurementRepository(store: store)
    }

    func repository<Port>(_: Port.Type) -> Port? { repository as? Port ?? procurement as? Port }

    func previousOutcome(of commandID: String) async throws -> StoredCommand? {
        store.state.withLock { $0.commands[IdentifierKey(commandID)] }
    }

    func record(_ command: CommandEnvelope, outcome: CommandOutcome) async throws {
        recorded.append(
            (
                command.id, StoredCommand(fingerprint: command.fingerprint, outcome: outcome, lastEvent: nil),
                command.issuedBy,
                UnitEvents.End(products: repository.written.count, procurement: procurement.tracking.written.count)
            ))
    }

    func collectNewEvents() -> [any Event] {
        repository.takeUndispatched() + procurement.tracking.takeUndispatched()
    }

    func isolated(_ body: () async throws -> Void) async throws {
        let saved = repository.snapshot()
        let savedProcurement = procurement.tracking
        let savedRecords = recorded.count
        do {
            try await body()
        } catch {
            repository.restore(saved)
            procurement.tracking = savedProcurement
            recorded.removeLast(recorded.count - savedRecords)
            throw error
        }
    }

    func lastEvent(of commandID: String) -> EventMark? { lastEvents[IdentifierKey(commandID)] }

    func commit() async throws -> EventMark? {
        let changes = repository.changes
        let documents = procurement.tracking.changes
        let recorded = self.recorded
        let written = UnitEvents.ordered(
            products: repository.written, procurement: procurement.tracking.written, ends: recorded.map(\.eventsEnd))
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
            for (document, loadedVersion) in documents
            where state.documents[document.key]?.version != loadedVersion {
                throw .conflict("\(document.key.kind) \(document.key.id) changed since it was loaded")
            }
            for (id, _, _, _) in recorded where state.commands[IdentifierKey(id)] != nil {
                throw .conflict("command \(id) was handled by another writer")
            }
            for (sku, product) in changes { state.products[sku] = product }
            for (document, _) in documents { state.documents[document.key] = document }
            var marks: [IdentifierKey: EventMark] = [:]
            for entry in written {
                let mark = EventMark(Int64(state.journal.count + 1))
                let owner = entry.owner.map { recorded[$0].id } ?? ""
                state.journal.append(
                    .init(
                        mark: mark, commandID: owner, issuedBy: entry.owner.flatMap { recorded[$0].issuedBy },
                        aggregateVersion: entry.version, event: entry.event))
                marks[IdentifierKey(owner)] = mark
            }
            let last = written.isEmpty ? nil : EventMark(Int64(state.journal.count))
            for (id, command, _, _) in recorded {
                state.commands[IdentifierKey(id)] = StoredCommand(
                    fingerprint: command.fingerprint, outcome: command.outcome, lastEvent: marks[IdentifierKey(id)])
            }
            lastEvents = marks
            state.commits += 1
            return last
        }
    }
}
