import Domain
import Synchronization

/// A store in memory with the same guarantees as the PostgreSQL one: atomic commits, versions
/// checked at commit (optimistic concurrency), command ids recorded with their effects.
///
/// It is the fake the book recommends for fast service-layer tests, and the reference the
/// repository contract tests hold the real adapter to.
public final class InMemoryStore: UnitOfWorkFactory {
    /// One committed event, as the journal keeps it.
    public struct JournalEntry: Sendable {
        public let mark: EventMark
        public let commandID: String
        /// Who issued that command (its `issued_by`), when anyone did.
        public let issuedBy: String?
        public let aggregateVersion: Int
        public let event: any Event
    }

    struct State {
        var products: [SKU: Product] = [:]
        var documents: [ProcurementDocument.Key: ProcurementDocument] = [:]
        var commands: [IdentifierKey: StoredCommand] = [:]
        var journal: [JournalEntry] = []
        var commits = 0
    }

    let state = Mutex(State())

    public init() {}

    /// Every committed event, oldest first.
    public var journal: [JournalEntry] { state.withLock { $0.journal } }
    /// How many units of work committed.
    public var commits: Int { state.withLock { $0.commits } }
    /// The committed product of `sku`.
    public func product(_ sku: SKU) -> Product? { state.withLock { $0.products[sku] } }
    /// The committed purchase order with this number.
    public func purchaseOrder(_ number: PurchaseOrderNumber) -> PurchaseOrder? {
        state.withLock { $0.documents[.order(number)]?.order }
    }
    /// The committed invoice.
    public func invoice(_ supplier: SupplierID, _ number: InvoiceNumber) -> Invoice? {
        state.withLock { $0.documents[.invoice(supplier, number)]?.invoice }
    }

    public func withUnitOfWork<T: Sendable>(_ work: (any UnitOfWork) async throws -> T) async throws -> T {
        try await work(InMemoryUnitOfWork(store: self))
    }
}
