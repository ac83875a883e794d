import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO

/// Units of work over PostgreSQL: one transaction on one pooled connection each.
///
/// Isolation is READ COMMITTED. Aggregates stay consistent through `PostgresProductRepository`:
/// a row lock taken when a product is loaded (unless `lockOnLoad` is off) and the version
/// compare-and-set when it is saved; a lost race surfaces as `UnitOfWorkError.conflict`, and the
/// message bus re-runs the command on fresh state.
public struct PostgresUnitOfWorkFactory: UnitOfWorkFactory {
    let client: PostgresClient
    let logger: Logger
    let lockOnLoad: Bool

    public init(client: PostgresClient, logger: Logger, lockOnLoad: Bool = true) {
        self.client = client
        self.logger = logger
        self.lockOnLoad = lockOnLoad
    }

    public func withUnitOfWork<T: Sendable>(_ work: (any UnitOfWork) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                let uow = PostgresUnitOfWork(connection: connection, logger: logger, lockOnLoad: lockOnLoad)
                do {
                    let result = try await work(uow)
                    if !uow.isCommitted { try await connection.query("ROLLBACK", logger: logger) }
                    return result
                } catch {
                    if !uow.isCommitted { _ = try? await connection.query("ROLLBACK", logger: logger) }
                    throw error
                }
            }
        } catch {
            throw PostgresErrors.classify(error)
        }
    }
}

final class PostgresUnitOfWork: UnitOfWork {
    let connection: PostgresConnection
    let logger: Logger
    private let repository: PostgresProductRepository
    private var recorded: (id: String, fingerprint: String, outcome: CommandOutcome)?
    private(set) var isCommitted = false
    private var savepoints = 0

    init(connection: PostgresConnection, logger: Logger, lockOnLoad: Bool) {
        self.connection = connection
        self.logger = logger
        self.repository = PostgresProductRepository(connection: connection, logger: logger, lockOnLoad: lockOnLoad)
    }

    var products: any ProductRepository { repository }

    func previousOutcome(of commandID: String) async throws -> StoredCommand? {
        // Serializes attempts at one command id (a client retrying while its first attempt still
        // runs): the later one waits here until the earlier commits, then finds its outcome instead of
        // running the command again on the changed state (which would answer, say, duplicate_batch).
        // Two 32-bit keys: a key space apart from the single-key advisory locks.
        try await connection.query("SELECT pg_advisory_xact_lock(7310, hashtext(\(commandID)))", logger: logger)
        let rows = try await connection.query(
            """
            SELECT fingerprint, outcome, batch_reference, last_event_seq FROM processed_commands
            WHERE command_id = \(commandID)
            """, logger: logger)
        for try await (fingerprint, outcome, reference, lastSeq) in rows.decode((String, String, String?, Int64?).self)
        {
            return StoredCommand(
                fingerprint: fingerprint, outcome: try StoredOutcome.decode(outcome, reference),
                lastEvent: lastSeq.map(EventMark.init))
        }
        return nil
    }

    func record(commandID: String, fingerprint: String, outcome: CommandOutcome) async throws {
        recorded = (commandID, fingerprint, outcome)
    }

    func collectNewEvents() -> [any ProductEvent] { repository.takeUndispatched() }

    func isolated(_ body: () async throws -> Void) async throws {
        savepoints += 1
        let name = "handler_\(savepoints)"
        try await connection.query(PostgresQuery(unsafeSQL: "SAVEPOINT \(name)"), logger: logger)
        let saved = repository.snapshot()
        do {
            try await body()
            try await connection.query(PostgresQuery(unsafeSQL: "RELEASE SAVEPOINT \(name)"), logger: logger)
        } catch {
            try await connection.query(PostgresQuery(unsafeSQL: "ROLLBACK TO SAVEPOINT \(name)"), logger: logger)
            repository.restore(saved)
            throw error
        }
    }

    func commit() async throws -> EventMark? {
        let commandID = recorded?.id ?? ""
        let lastEvent = try await appendEvents(repository.written, commandID: commandID)
        if let (id, fingerprint, outcome) = recorded {
            let (name, reference) = StoredOutcome.encode(outcome)
            try await connection.query(
                """
                INSERT INTO processed_commands (command_id, fingerprint, outcome, batch_reference, last_event_seq)
                VALUES (\(id), \(fingerprint), \(name), \(reference), \(lastEvent?.rawValue))
                """, logger: logger)
        }
        try await connection.query("COMMIT", logger: logger)
        isCommitted = true
        return lastEvent
    }

    /// The outbox: appends the unit's events in the order raised, in one statement.
    private func appendEvents(_ events: [(version: Int, event: any ProductEvent)], commandID: String) async throws
        -> EventMark?
    {
        guard !events.isEmpty else { return nil }
        var ids: [UUID] = [], types: [String] = [], versions: [Int] = []
        var aggregates: [String] = [], aggregateVersions: [Int] = [], payloads: [String] = []
        for (version, event) in events {
            let payload = try EventPayload(event)
            ids.append(UUID())
            types.append(payload.type.rawValue)
            versions.append(payload.type.currentSchemaVersion)
            aggregates.append(event.aggregateID)
            aggregateVersions.append(version)
            payloads.append(String(decoding: payload.jsonData(), as: UTF8.self))
        }
        // WITH ORDINALITY keeps the raised order in the journal's sequence.
        let rows = try await connection.query(
            """
            INSERT INTO event_log (event_id, type, schema_version, aggregate_id, aggregate_version, command_id, payload)
            SELECT e.id, e.type, e.version, e.aggregate, e.aggregate_version, \(commandID), e.payload
            FROM unnest(\(ids)::uuid[], \(types)::text[], \(versions)::int[], \(aggregates)::text[],
                        \(aggregateVersions)::bigint[], \(payloads)::text[])
                 WITH ORDINALITY AS e(id, type, version, aggregate, aggregate_version, payload, n)
            ORDER BY e.n
            RETURNING seq
            """, logger: logger)
        var last: Int64 = 0
        for try await seq in rows.decode(Int64.self) { last = max(last, seq) }
        return EventMark(last)
    }
}

/// How a command's outcome is kept in `processed_commands`.
enum StoredOutcome {
    static func encode(_ outcome: CommandOutcome) -> (String, String?) {
        switch outcome {
        case .batchCreated: ("batch_created", nil)
        case .allocated(let reference): ("allocated", reference.rawValue)
        case .outOfStock: ("out_of_stock", nil)
        case .deallocated: ("deallocated", nil)
        case .quantityChanged: ("quantity_changed", nil)
        }
    }

    static func decode(_ name: String, _ reference: String?) throws -> CommandOutcome {
        switch (name, reference) {
        case ("batch_created", _): .batchCreated
        case ("allocated", let reference?): .allocated(try BatchReference(reference))
        case ("out_of_stock", _): .outOfStock
        case ("deallocated", _): .deallocated
        case ("quantity_changed", _): .quantityChanged
        default: throw UnitOfWorkError.unavailable("unreadable stored outcome \(name)")
        }
    }
}

/// Turns PostgreSQL's failures into the service layer's: lost races are conflicts (retry), a
/// database that cannot be reached is unavailable; domain and service errors pass through.
enum PostgresErrors {
    static func classify(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError, let inner = transaction.closureError {
            return classify(inner)
        }
        guard let error = error as? PSQLError else { return error }
        if let state = error.serverInfo?[.sqlState] {
            switch state {
            case "23505", "40001", "40P01":  // unique_violation, serialization_failure, deadlock_detected
                return UnitOfWorkError.conflict(error.serverInfo?[.message] ?? state)
            case let state where state.hasPrefix("08") || state.hasPrefix("57P"):  // connection, shutdown
                return UnitOfWorkError.unavailable(error.serverInfo?[.message] ?? state)
            default:
                return error
            }
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown:
            return UnitOfWorkError.unavailable("\(error.code)")
        default:
            return error
        }
    }
}
