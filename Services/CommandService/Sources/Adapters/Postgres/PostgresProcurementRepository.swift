import Domain
import Logging
import PostgresNIO

/// Procurement's documents in PostgreSQL, read inside the unit's transaction; the unit writes the
/// changes when it commits (`write()`), each compared-and-set on its version.
///
/// Orders are locked as they load (unless `lockOnLoad` is off), so commands on one order queue on
/// its row instead of failing their compare-and-set. Suppliers are not: nothing changes a supplier
/// once created, and a lock on it would queue every new order of that supplier behind the others'
/// commits. Nor are invoices: a command
/// reaches an invoice and its order in either order (approving loads the invoice first, a receipt
/// re-matches the order's invoices after loading the order), and two row locks taken in opposite
/// orders deadlock. An invoice changed meanwhile fails the compare-and-set instead, and the command
/// runs again on fresh state.
final class PostgresProcurementRepository: ProcurementRepositoryAdapter {
    private let session: PostgresSession
    private var connection: PostgresConnection { session.connection }
    private var logger: Logger { session.logger }
    private let lockOnLoad: Bool
    var tracking = ProcurementTracking()

    init(session: PostgresSession, lockOnLoad: Bool) {
        self.session = session
        self.lockOnLoad = lockOnLoad
    }

    func load(_ key: ProcurementDocument.Key) async throws -> ProcurementDocument? {
        try await session.begin()
        let rows = try await connection.checkedQuery(
            lockOnLoad && key.kind == "po"
                ? "SELECT version, body FROM procurement_documents WHERE kind = \(key.kind) AND id = \(key.id) FOR UPDATE"
                : "SELECT version, body FROM procurement_documents WHERE kind = \(key.kind) AND id = \(key.id)",
            logger: logger)
        for try await (version, body) in rows.decode((Int, String).self) {
            return try ProcurementRecords.decode(kind: key.kind, id: key.id, version: version, body: body)
        }
        return nil
    }

    func loadInvoices(of order: PurchaseOrderNumber) async throws -> [ProcurementDocument] {
        try await session.begin()
        let rows = try await connection.checkedQuery(
            """
            SELECT id, version, body FROM procurement_documents
            WHERE parent = \(order.rawValue) AND kind = 'invoice' ORDER BY id
            """,
            logger: logger)
        var documents: [ProcurementDocument] = []
        for try await (id, version, body) in rows.decode((String, Int, String).self) {
            documents.append(try ProcurementRecords.decode(kind: "invoice", id: id, version: version, body: body))
        }
        return documents
    }

    var hasChanges: Bool { !tracking.changed.isEmpty }

    /// Writes the unit's changed documents in its open transaction: new ones inserted (a second
    /// with the same key fails on the primary key: a conflict, and the command runs again), changed
    /// ones compared-and-set on their loaded version.
    func write() async throws {
        var kinds: [String] = [], ids: [String] = [], parents: [String] = [], bodies: [String] = []
        var oldVersions: [Int] = [], newVersions: [Int] = [], isNew: [Bool] = []
        for (document, loadedVersion) in tracking.changes {
            kinds.append(document.key.kind)
            ids.append(document.key.id)
            parents.append(document.parent ?? "")
            bodies.append(try ProcurementRecords.encode(document))
            oldVersions.append(loadedVersion ?? 0)
            newVersions.append(document.version)
            isNew.append(loadedVersion == nil)
        }
        guard !kinds.isEmpty else { return }
        try await session.begin()
        let rows = try await connection.checkedQuery(
            """
            WITH input AS (
                SELECT * FROM unnest(\(kinds)::text[], \(ids)::text[], \(parents)::text[], \(bodies)::text[],
                                     \(oldVersions)::bigint[], \(newVersions)::bigint[], \(isNew)::boolean[])
                    AS i(kind, id, parent, body, old_version, new_version, is_new)
            ), inserted AS (
                INSERT INTO procurement_documents (kind, id, version, parent, body)
                SELECT kind, id, new_version, NULLIF(parent, ''), body FROM input WHERE is_new
                RETURNING 1
            ), updated AS (
                UPDATE procurement_documents d SET version = i.new_version, body = i.body
                FROM input i
                WHERE NOT i.is_new AND d.kind = i.kind AND d.id = i.id AND d.version = i.old_version
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM inserted) + (SELECT count(*) FROM updated) = (SELECT count(*) FROM input)
            """,
            logger: logger)
        for try await allWritten in rows.decode(Bool.self) where !allWritten {
            throw UnitOfWorkError.conflict("a procurement document changed since it was loaded")
        }
    }
}
