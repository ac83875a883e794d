import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO

/// Units of work over PostgreSQL: one pooled connection each, and at most one transaction on it.
///
/// Isolation is READ COMMITTED. Aggregates stay consistent through `PostgresProductRepository`:
/// a row lock taken when a product is loaded (unless `lockOnLoad` is off) and the version
/// compare-and-set when it is saved; a lost race surfaces as `UnitOfWorkError.conflict`, and the
/// message bus re-runs the command on fresh state. Reads happen as handlers ask; every write waits
/// for the commit, which sends them in one statement (`Statements.Flush`): one allocation alone
/// costs BEGIN, outcome lookup, row lock, load, flush, COMMIT. A group reads ahead instead, without
/// a transaction or locks, and its flush commits as it ends: two round trips for the whole group
/// (`PostgresSession`), or only the flush when its products are in the `ProductCache`.
public struct PostgresUnitOfWorkFactory: UnitOfWorkFactory {
    let client: any ConnectionSource
    let logger: Logger
    let lockOnLoad: Bool
    let sequencer: Sequencer?
    let cache: ProductCache?

    /// - Parameters:
    ///   - sequencer: when given, units serving a group commit number their events themselves and
    ///     tell it the positions (see `Statements.Flush`); otherwise every event is left to a
    ///     sequencing round after commit.
    ///   - productCache: where units remember the products they commit, so that a group whose
    ///     products are all there skips its read-ahead; nil to always read ahead.
    public init(
        client: any ConnectionSource, logger: Logger, lockOnLoad: Bool = true, sequencer: Sequencer? = nil,
        productCache: ProductCache? = ProductCache()
    ) {
        self.client = client
        self.logger = logger
        self.lockOnLoad = lockOnLoad
        self.sequencer = sequencer
        self.cache = productCache
    }

    public func withUnitOfWork<T: Sendable>(_ work: (any UnitOfWork) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await withTaskExecutorPreference(ConnectionExecutor(connection.eventLoop)) {
                    try await transaction(on: connection, work)
                }
            }
        } catch {
            let classified = PostgresErrors.classify(error)
            // The database may come back as another copy (a failover, a restore): remember nothing
            // from before, lest a version read then match a row written since.
            if case UnitOfWorkError.unavailable = classified { cache?.forgetAll() }
            throw classified
        }
    }

    private func transaction<T: Sendable>(
        on connection: PostgresConnection, _ work: (any UnitOfWork) async throws -> T
    ) async throws -> T {
        let session = PostgresSession(connection: connection, logger: logger)
        let uow = PostgresUnitOfWork(session: session, lockOnLoad: lockOnLoad, sequencer: sequencer, cache: cache)
        do {
            let result = try await work(uow)
            try await session.end(commit: false)
            return result
        } catch {
            try? await session.end(commit: false)
            throw error
        }
    }
}

final class PostgresUnitOfWork: GroupUnitOfWork {
    /// A command recorded in this unit; the events written since the previous record are its own.
    struct Recorded {
        let id: String
        let fingerprint: String
        /// The command's `issued_by`, "" for none (SQL NULL).
        let issuedBy: String
        let outcome: CommandOutcome
        let eventsEnd: UnitEvents.End
    }

    private let session: PostgresSession
    private var connection: PostgresConnection { session.connection }
    private var logger: Logger { session.logger }
    private let repository: PostgresProductRepository
    private let procurement: PostgresProcurementRepository
    private var recorded: [Recorded] = []
    private var prefetched: [IdentifierKey: StoredCommand]?
    private var lastEvents: [IdentifierKey: EventMark] = [:]
    /// Told the positions this unit gives its events, when it gives them (`Statements.Flush`).
    private let sequencer: Sequencer?
    private var numbersEvents = false
    private let cache: ProductCache?

    init(session: PostgresSession, lockOnLoad: Bool, sequencer: Sequencer?, cache: ProductCache?) {
        self.session = session
        self.sequencer = sequencer
        self.cache = cache
        self.repository = PostgresProductRepository(session: session, lockOnLoad: lockOnLoad)
        self.procurement = PostgresProcurementRepository(session: session, lockOnLoad: lockOnLoad)
    }

    func repository<Port>(_: Port.Type) -> Port? { repository as? Port ?? procurement as? Port }

    func previousOutcome(of commandID: String) async throws -> StoredCommand? {
        if let prefetched { return prefetched[IdentifierKey(commandID)] }
        try await session.begin()  // a command alone reads, locks and writes in one transaction
        let rows = try await connection.execute(
            Statements.PreviousOutcome.self, PostgresBindings(commandID), logger: logger)
        for try await row in rows {
            let (fingerprint, outcome, reference, lastSeq) = try row.decode((String, String, String?, Int64?).self)
            return try StoredOutcome.command(fingerprint, outcome, reference, lastSeq)
        }
        return nil
    }

    func prefetch(commandIDs: [String], products: [SKU], withLinesOf orderIDs: [OrderID]) async throws {
        let skus = Array(Set(products)).sorted { $0.rawValue < $1.rawValue }
        // A unit that reads ahead serves a group: it numbers its events as it commits.
        numbersEvents = sequencer != nil
        if let cached = cache?.products(skus) {
            // Nothing read: the flush checks every product's version and each id's and line's key.
            prefetched = [:]
            repository.track(readAhead: cached, withLinesOf: orderIDs)
            return
        }
        let rows = try await connection.execute(
            Statements.ReadAhead.self,
            PostgresBindings(commandIDs, skus.map(\.rawValue), Array(Set(orderIDs.map(\.rawValue)))),
            logger: logger)
        var stored: [IdentifierKey: StoredCommand] = [:]
        var loaded = ProductRows()
        for try await row in rows {
            let (
                id, fingerprint, outcome, reference, lastSeq, sku, version, batch, purchased, allocated, eta, order,
                quantity
            ) =
                try row.decode(
                    (
                        String?, String?, String?, String?, Int64?, String?, Int?, String?, Int?, Int?, String?,
                        String?, Int?
                    )
                    .self)
            if let id, let fingerprint, let outcome {
                stored[IdentifierKey(id)] = try StoredOutcome.command(fingerprint, outcome, reference, lastSeq)
            } else if let sku, let version {
                try loaded.add(
                    sku: sku, version: version, reference: batch, purchased: purchased, allocated: allocated, eta: eta,
                    order: order, quantity: quantity)
            }
        }
        prefetched = stored
        repository.track(readAhead: loaded.products, withLinesOf: orderIDs)
    }

    func record(_ command: CommandEnvelope, outcome: CommandOutcome) async throws {
        recorded.append(
            Recorded(
                id: command.id, fingerprint: command.fingerprint, issuedBy: command.issuedBy ?? "", outcome: outcome,
                eventsEnd: UnitEvents.End(
                    products: repository.written.count, procurement: procurement.tracking.written.count)))
    }

    func collectNewEvents() -> [any Event] {
        let products = repository.takeUndispatched()
        let others = procurement.tracking.takeUndispatched()
        return others.isEmpty ? products : products + others
    }

    /// Nothing is written before the commit, so undoing is forgetting: no SQL savepoint needed.
    func isolated(_ body: () async throws -> Void) async throws {
        let saved = repository.snapshot()
        let savedProcurement = procurement.tracking
        let savedRecords = recorded.count
        do {
            try await body()
            repository.keep(saved)
        } catch {
            repository.restore(saved)
            procurement.tracking = savedProcurement
            recorded.removeLast(recorded.count - savedRecords)
            throw error
        }
    }

    /// Sends the flush: in the transaction if one is open (or needed, to remove lines first),
    /// otherwise alone, committing as it ends (a group's unit).
    ///
    /// From the flush on, the unit may have committed whatever goes wrong (a connection dropped
    /// before the answer to the flush or to `COMMIT` arrived, an answer that cannot be read): every
    /// failure but a refused compare-and-set — which commits nothing — is the store's
    /// unavailability then, so the client retries with the command id and learns the outcome.
    func commit() async throws -> EventMark? {
        do {
            let last = try await flush()
            cache?.remember(repository.products)
            return last
        } catch {
            cache?.forget(repository.products.map(\.sku))
            let classified = PostgresErrors.classify(error)
            if case UnitOfWorkError.conflict = classified { throw classified }
            throw UnitOfWorkError.unavailable("the commit's outcome is unknown: \(error)")
        }
    }

    private func flush() async throws -> EventMark? {
        let changes = repository.changes()
        if procurement.hasChanges { try await procurement.write() }
        if !changes.arrivedBatches.isEmpty {
            try await session.begin()
            try await connection.checkedQuery(
                "UPDATE batches SET eta = NULL WHERE reference = ANY(\(changes.arrivedBatches)::text[])", logger: logger
            )
        }
        if !changes.removedLineOrders.isEmpty {
            try await session.begin()
            try await connection.run(
                Statements.RemoveAllocations.self, PostgresBindings(changes.removedLineSKUs, changes.removedLineOrders),
                logger: logger)
        }
        let outbox = try outboxRows()
        let rows = try await connection.execute(
            Statements.Flush.self, flushBindings(changes, outbox), logger: logger)
        var last: EventMark?
        var numbered: [(mark: EventMark, position: Int)] = []
        var frames: [CommittedFrames.Frame]?
        for try await row in rows {
            let (_, commandID, commandLast, commandPosition, unitLast, positions, ids, occurredAt) = try row.decode(
                (Int, String?, Int64?, Int?, Int64?, [Int]?, [UUID]?, Date?).self)
            last = unitLast.map(EventMark.init)
            if let commandID, let commandLast {
                lastEvents[IdentifierKey(commandID)] = EventMark(commandLast)
                if let commandPosition { numbered.append((EventMark(commandLast), commandPosition)) }
            }
            if let positions, let ids, let occurredAt {
                // Committed already, for a unit without a transaction: a frame that cannot be built
                // is left to the relay's read of the log, never turned into a failure.
                frames = try? outbox.frames(positions: positions, ids: ids, occurredAt: occurredAt)
            }
        }
        try await session.end(commit: true)
        if let sequencer, !numbered.isEmpty {
            sequencer.numbered(numbered, frames: frames ?? [], ownTypes: outbox.types)
        }
        return last
    }

    func lastEvent(of commandID: String) -> EventMark? { lastEvents[IdentifierKey(commandID)] }

    /// The events this unit wrote, each with the command it belongs to.
    private func outboxRows() throws -> OutboxRows {
        var rows = OutboxRows()
        let events = UnitEvents.ordered(
            products: repository.written, procurement: procurement.tracking.written, ends: recorded.map(\.eventsEnd))
        for (owner, version, event) in events {
            let payload = try EventPayload(event)
            rows.types.append(payload.type)
            rows.aggregates.append(event.aggregateID)
            rows.aggregateVersions.append(version)
            rows.commandIDs.append(owner.map { recorded[$0].id } ?? "")
            rows.issuedBy.append(owner.map { recorded[$0].issuedBy } ?? "")
            rows.payloads.append(String(decoding: payload.jsonData(), as: UTF8.self))
        }
        return rows
    }

    /// `Statements.Flush` bound to this unit's changes, events (the outbox) and commands.
    private func flushBindings(_ changes: ProductChanges, _ outbox: OutboxRows) -> PostgresBindings {
        let outcomes = recorded.map { StoredOutcome.encode($0.outcome) }
        return PostgresBindings(
            changes.productSKUs, changes.oldVersions, changes.newVersions,
            changes.newProductSKUs, changes.newProductVersions,
            changes.batchReferences, changes.batchPurchased, changes.batchAllocated,
            changes.newBatchReferences, changes.newBatchSKUs, changes.newBatchPurchased, changes.newBatchAllocated,
            changes.newBatchETAs,
            changes.lineOrders, changes.lineSKUs, changes.lineBatches, changes.lineQuantities,
            outbox.types.map(\.rawValue), outbox.types.map(\.currentSchemaVersion), outbox.aggregates,
            outbox.aggregateVersions, outbox.commandIDs, outbox.payloads,
            recorded.map(\.id), recorded.map(\.fingerprint), outcomes.map(\.0), outcomes.map { $0.1 ?? "" },
            numbersEvents && outbox.count > 0, outbox.issuedBy, recorded.map(\.issuedBy))
    }
}
