import CommandService
import Contracts
import Domain
import Logging
import PostgresNIO
import TestSupport
import Testing

/// The two stores the repository and unit-of-work contract holds for: the fake and PostgreSQL.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case inMemory, postgres
    var testDescription: String { rawValue }
}

/// What a test can see of a store, alike for both kinds.
protocol StoreProbe: Sendable {
    var unitOfWork: any UnitOfWorkFactory { get }
    /// Units of work that do not lock what they load, so a stale copy can be built on purpose.
    var optimisticUnitOfWork: any UnitOfWorkFactory { get }
    /// Each batch of `sku`: (reference, purchased, allocated, the order ids allocated to it, sorted).
    func batches(of sku: String) async throws -> [BatchState]
    /// The journal in write order: (command id, aggregate version, event type, payload).
    func journal() async throws -> [JournalRow]
}

struct BatchState: Hashable, Sendable, CustomStringConvertible {
    let reference: String
    let purchased: Int
    let allocated: Int
    let orders: [String]
    var description: String { "\(reference) \(allocated)/\(purchased) \(orders)" }
}

struct JournalRow: Hashable, Sendable {
    let commandID: String
    let aggregateVersion: Int
    let payload: EventPayload
}

struct InMemoryProbe: StoreProbe {
    let store = InMemoryStore()
    var unitOfWork: any UnitOfWorkFactory { store }
    var optimisticUnitOfWork: any UnitOfWorkFactory { store }

    func batches(of sku: String) async throws -> [BatchState] {
        guard let product = store.product(try SKU(sku)) else { return [] }
        return product.batches.map {
            BatchState(
                reference: $0.reference.rawValue, purchased: $0.purchasedQuantity, allocated: $0.allocatedQuantity,
                orders: $0.allocations.map(\.orderID.rawValue).sorted())
        }.sorted { $0.reference < $1.reference }
    }

    func journal() async throws -> [JournalRow] {
        try store.journal.map {
            JournalRow(
                commandID: $0.commandID, aggregateVersion: $0.aggregateVersion, payload: try EventPayload($0.event))
        }
    }
}

struct PostgresProbe: StoreProbe {
    let client: PostgresClient
    let logger = Logger(label: "test")
    var unitOfWork: any UnitOfWorkFactory { PostgresUnitOfWorkFactory(client: client, logger: logger) }
    var optimisticUnitOfWork: any UnitOfWorkFactory {
        PostgresUnitOfWorkFactory(client: client, logger: logger, lockOnLoad: false)
    }

    func batches(of sku: String) async throws -> [BatchState] {
        let rows = try await client.query(
            """
            SELECT b.reference, b.purchased_quantity, b.allocated_quantity,
                   coalesce(array_agg(a.orderid ORDER BY a.orderid) FILTER (WHERE a.orderid IS NOT NULL), '{}')
            FROM batches b LEFT JOIN allocations a ON a.batch_reference = b.reference
            WHERE b.sku = \(sku) GROUP BY b.reference ORDER BY b.reference
            """, logger: logger)
        var states: [BatchState] = []
        for try await (reference, purchased, allocated, orders) in rows.decode((String, Int, Int, [String]).self) {
            states.append(BatchState(reference: reference, purchased: purchased, allocated: allocated, orders: orders))
        }
        return states
    }

    func journal() async throws -> [JournalRow] {
        let rows = try await client.query(
            "SELECT command_id, aggregate_version, type, payload FROM event_log ORDER BY seq", logger: logger)
        var journal: [JournalRow] = []
        for try await (commandID, version, type, payload) in rows.decode((String, Int, String, String).self) {
            journal.append(
                JournalRow(
                    commandID: commandID, aggregateVersion: version,
                    payload: try EventPayload(type: EventType(rawValue: type)!, json: Array(payload.utf8))))
        }
        return journal
    }
}

/// Runs `body` with a fresh store of the given kind (a new, migrated database for PostgreSQL).
func withStore<T: Sendable>(_ kind: StoreKind, _ body: @Sendable (any StoreProbe) async throws -> T) async throws -> T {
    switch kind {
    case .inMemory:
        return try await body(InMemoryProbe())
    case .postgres:
        return try await withMigratedDatabase { client in try await body(PostgresProbe(client: client)) }
    }
}

/// A fresh database with the schema applied, and a running client on it.
func withMigratedDatabase<T: Sendable>(
    maximumConnections: Int = 20, _ body: @Sendable (PostgresClient) async throws -> T
) async throws -> T {
    try await TestDatabase.withFreshDatabase { url in
        try await TestDatabase.withClient(url, maximumConnections: maximumConnections) { client in
            try await Migrations.apply(on: client, logger: Logger(label: "test"))
            return try await body(client)
        }
    }
}
