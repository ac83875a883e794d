import Domain

/// A procurement aggregate as the store keeps it: one document per supplier, order or invoice.
enum ProcurementDocument: Sendable {
    case supplier(Supplier)
    case order(PurchaseOrder)
    case invoice(Invoice)

    /// Which document: its kind and its id. An invoice's id joins supplier and number with a
    /// character no identifier may hold (a control character), so two pairs never meet.
    struct Key: Hashable, Sendable {
        let kind: String
        let id: String

        /// Ids compare as identifiers do (`IdentifierKey`), not as `String`s.
        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.kind == rhs.kind && IdentifierKey(lhs.id) == IdentifierKey(rhs.id)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(kind)
            hasher.combine(IdentifierKey(id))
        }

        static func supplier(_ id: SupplierID) -> Key { Key(kind: "supplier", id: id.rawValue) }
        static func order(_ number: PurchaseOrderNumber) -> Key { Key(kind: "po", id: number.rawValue) }
        static func invoice(_ supplier: SupplierID, _ number: InvoiceNumber) -> Key {
            Key(kind: "invoice", id: supplier.rawValue + "\u{1F}" + number.rawValue)
        }
    }

    var key: Key {
        switch self {
        case .supplier(let s): .supplier(s.id)
        case .order(let o): .order(o.number)
        case .invoice(let i): .invoice(i.supplier, i.number)
        }
    }

    var version: Int {
        switch self {
        case .supplier(let s): s.version
        case .order(let o): o.version
        case .invoice(let i): i.version
        }
    }

    /// The order an invoice belongs to (what `awaitingApproval(of:)` looks documents up by).
    var parent: String? {
        if case .invoice(let invoice) = self { invoice.purchaseOrder.rawValue } else { nil }
    }

    var supplier: Supplier? { if case .supplier(let s) = self { s } else { nil } }
    var order: PurchaseOrder? { if case .order(let o) = self { o } else { nil } }
    var invoice: Invoice? { if case .invoice(let i) = self { i } else { nil } }
}

/// What a unit of work knows of procurement's documents: the identity map, the versions as loaded,
/// the changes and their events. A value, so isolating a handler is keeping a copy.
struct ProcurementTracking {
    private(set) var seen: [ProcurementDocument.Key: ProcurementDocument] = [:]
    /// The version each document had when loaded; absent for documents new in this unit.
    private(set) var loaded: [ProcurementDocument.Key: Int] = [:]
    /// Changed or new documents, in the order first saved.
    private(set) var changed: [ProcurementDocument.Key] = []
    private(set) var written: [(version: Int, event: any Event)] = []
    private var undispatched: [any Event] = []

    func document(_ key: ProcurementDocument.Key) -> ProcurementDocument? { seen[key] }

    mutating func track(loaded document: ProcurementDocument) {
        seen[document.key] = document
        loaded[document.key] = document.version
    }

    /// A new document; one already known under its key is a lost race (the commit would fail too).
    mutating func add(_ document: ProcurementDocument, events: [any ProcurementEvent]) throws {
        guard seen[document.key] == nil else {
            throw UnitOfWorkError.conflict("\(document.key.kind) \(document.key.id) exists already")
        }
        save(document, events: events)
    }

    mutating func save(_ document: ProcurementDocument, events: [any ProcurementEvent]) {
        if !changed.contains(document.key) { changed.append(document.key) }
        seen[document.key] = document
        written += events.map { (document.version, $0) }
        undispatched += events
    }

    mutating func takeUndispatched() -> [any Event] {
        defer { undispatched = [] }
        return undispatched
    }

    /// The changed documents: each with the version it was loaded at (nil when new).
    var changes: [(document: ProcurementDocument, loadedVersion: Int?)] {
        changed.map { (seen[$0]!, loaded[$0]) }
    }
}

/// The three procurement ports over a `ProcurementTracking`; an adapter supplies the loads.
protocol ProcurementRepositoryAdapter: SupplierRepository, PurchaseOrderRepository, InvoiceRepository {
    var tracking: ProcurementTracking { get set }
    /// The committed document under `key`, nil when there is none.
    func load(_ key: ProcurementDocument.Key) async throws -> ProcurementDocument?
    /// The committed invoices of an order.
    func loadInvoices(of order: PurchaseOrderNumber) async throws -> [ProcurementDocument]
}

extension ProcurementRepositoryAdapter {
    private func document(_ key: ProcurementDocument.Key) async throws -> ProcurementDocument? {
        if let known = tracking.document(key) { return known }
        guard let loaded = try await load(key) else { return nil }
        tracking.track(loaded: loaded)
        return loaded
    }

    func get(_ id: SupplierID) async throws -> Supplier? { try await document(.supplier(id))?.supplier }
    func add(_ supplier: Supplier) async throws { try track(new: supplier) }

    func get(_ number: PurchaseOrderNumber) async throws -> PurchaseOrder? {
        try await document(.order(number))?.order
    }
    func add(_ order: PurchaseOrder) async throws { try track(new: order) }
    func save(_ order: PurchaseOrder) async throws { track(changed: order) }

    func get(_ supplier: SupplierID, _ number: InvoiceNumber) async throws -> Invoice? {
        try await document(.invoice(supplier, number))?.invoice
    }
    func add(_ invoice: Invoice) async throws { try track(new: invoice) }
    func save(_ invoice: Invoice) async throws { track(changed: invoice) }

    private func track(new aggregate: some TrackedAggregate) throws {
        var aggregate = aggregate
        let events = aggregate.takeEvents()
        try tracking.add(aggregate.document, events: events)
    }

    private func track(changed aggregate: some TrackedAggregate) {
        var aggregate = aggregate
        let events = aggregate.takeEvents()
        tracking.save(aggregate.document, events: events)
    }

    func awaitingApproval(of order: PurchaseOrderNumber) async throws -> [Invoice] {
        for loaded in try await loadInvoices(of: order) where tracking.document(loaded.key) == nil {
            tracking.track(loaded: loaded)
        }
        // The unit's own copies win: they may have changed since loaded, or be new.
        return tracking.seen.values.compactMap(\.invoice)
            .filter { $0.purchaseOrder == order && ($0.status == .matched || $0.status == .mismatched) }
            .sorted { ($0.supplier.rawValue, $0.number.rawValue) < ($1.supplier.rawValue, $1.number.rawValue) }
    }
}

/// A procurement aggregate as the repositories hand it over: its events, then its document.
protocol TrackedAggregate {
    var document: ProcurementDocument { get }
    mutating func takeEvents() -> [any ProcurementEvent]
}

extension Supplier: TrackedAggregate { var document: ProcurementDocument { .supplier(self) } }
extension PurchaseOrder: TrackedAggregate { var document: ProcurementDocument { .order(self) } }
extension Invoice: TrackedAggregate { var document: ProcurementDocument { .invoice(self) } }
