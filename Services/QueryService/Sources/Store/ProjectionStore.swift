import CSQLiteSetup
import Contracts
import Foundation
import GRDB
import Synchronization

/// Why a batch was refused without touching the database.
public enum ProjectionStoreError: Error, Equatable, CustomStringConvertible {
    /// The batch skips positions: applying it would leave a hole in the projections.
    case notContiguous(expected: Int, got: Int)

    public var description: String {
        switch self {
        case .notContiguous(let expected, let got):
            "event batch not contiguous: expected position \(expected), got \(got)"
        }
    }
}

/// The SQLite database of the read side: projections plus the checkpoint, in WAL mode so HTTP reads
/// never wait for the subscriber's writes.
///
/// `apply` is the one way in: a batch and the checkpoint commit in one transaction, events at or
/// below the checkpoint are skipped, and a batch that would skip a position is refused. So an event
/// is applied exactly once and never in part, whoever calls and however often.
public final class ProjectionStore: Sendable {
    /// GRDB's pool: one writer and concurrent readers on WAL snapshots.
    let pool: DatabasePool
    /// A connection of its own for WAL checkpoints (`checkpointWAL()`), so they never hold up the writer.
    private let checkpointer: DatabaseQueue
    /// Set by `checkpointWAL()`, taken by `completeCheckpointIfDue()`.
    private let walCopied = Atomic<Bool>(false)
    public let path: String
    /// Read-only connections of their own for point lookups on the caller's thread.
    let lookups: LookupConnections

    /// SQLite's process-wide settings, applied once before the first connection opens (see
    /// `cosmic_sqlite_configure_for_owned_connections`): the writer's hot loop took a mutex per call
    /// and a second one per allocation, ~10% of this service's CPU during a catch-up.
    private static let sqliteConfigured: Int32 = cosmic_sqlite_configure_for_owned_connections()

    /// Opens (creating if needed) the database at `path` and migrates it.
    public init(path: String, busyTimeout: Duration = .seconds(5)) throws {
        _ = Self.sqliteConfigured
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout.seconds)
        configuration.label = "cosmic-query"
        configuration.prepareDatabase { db in
            // WAL comes with DatabasePool; NORMAL is durable at each checkpoint of the WAL and safe
            // against corruption, and the projections can always be rebuilt from the log.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // The writer touches the pages of every SKU and batch in each big catch-up transaction;
            // SQLite's default 2 MB cache rereads them from the file every time.
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA cache_size = -32768")
                // Each WAL checkpoint waits for the disk (fdatasync, ~27 ms here); at SQLite's default of
                // 1,000 pages catch-up checkpointed five times a second and copied the same hot pages
                // (SKUs, batches, totals) every time. 10,000 pages (40 MB of WAL) before one.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
            }
        }
        self.path = path
        lookups = LookupConnections(path: path, busyTimeout: busyTimeout)
        pool = try DatabasePool(path: path, configuration: configuration)
        try Schema.migrator.migrate(pool)
        var checkpointing = Configuration()
        checkpointing.busyMode = .timeout(busyTimeout.seconds)
        checkpointing.label = "cosmic-query-checkpointer"
        checkpointer = try DatabaseQueue(path: path, configuration: checkpointing)
    }

    /// Copies what the WAL holds into the database file, without blocking the writer or readers
    /// (a passive checkpoint, on a connection of its own).
    ///
    /// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, and its
    /// flush to disk (tens of milliseconds here) then delays that batch and every read waiting for
    /// it. Run often enough, and completed by the writer (`completeCheckpointIfDue()`), this keeps
    /// the WAL below the threshold, so live batches never pay for it; the automatic one stays as the
    /// backstop for long catch-ups.
    public func checkpointWAL() async throws {
        try await checkpointer.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
        walCopied.store(true, ordering: .releasing)
    }

    /// On the writer's thread, between live batches: after a `checkpointWAL()`, copies the frames
    /// written while it ran. Returns whether it did: not while another checkpoint runs (it stays due
    /// for the next batch).
    ///
    /// Under steady writes the checkpointer never copies the whole WAL (the writer appends while it
    /// syncs), and SQLite starts the WAL over only once all of it is copied. So the WAL grew past
    /// SQLite's automatic threshold, and from then on live batches' commits ran the automatic
    /// checkpoint, each syncing the WAL (stalls of up to 15–30 ms), until one copied everything.
    /// What is left here is the few hundred frames written during the checkpointer's own run, and
    /// the next batch starts the WAL over. Blocks for two small syncs: not for the cooperative pool.
    @discardableResult
    public func completeCheckpointIfDue() throws -> Bool {
        guard walCopied.exchange(false, ordering: .acquiring) else { return false }
        do {
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            // The checkpointer's next pass is running (a quiet spell between live batches): complete
            // after the next batch instead.
            walCopied.store(true, ordering: .releasing)
            return false
        }
        // A lookup's snapshot from before the copy was complete would keep the WAL from starting over;
        // lookups that begin after it read the database file and do not.
        lookups.endIdleSnapshots()
        return true
    }

    /// Runs `checkpointWAL()` every `interval` until cancelled.
    public func checkpointPeriodically(every interval: Duration, onError: @Sendable (any Error) -> Void) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
                try await checkpointWAL()
            } catch is CancellationError {
                return
            } catch {
                onError(error)
            }
        }
    }

    /// The last applied position (0 for an empty database).
    public func checkpoint() async throws -> Int {
        try await pool.read { db in try Self.checkpoint(db) }
    }

    /// The event log the checkpoint counts in (``Heartbeat/log``), nil until one is adopted.
    public func log() async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT log FROM checkpoint WHERE id = 1") }
    }

    /// Records the event log the projections follow, unless one is recorded already; returns the
    /// one recorded after the call (compare it with `log` to tell whether it was adopted).
    public func adopt(log: String) async throws -> String {
        try await pool.write { db in
            try db.execute(sql: "UPDATE checkpoint SET log = ? WHERE id = 1 AND log IS NULL", arguments: [log])
            return try String.fetchOne(db, sql: "SELECT log FROM checkpoint WHERE id = 1") ?? log
        }
    }

    /// Applies `events` (in position order) and moves the checkpoint, all in one transaction.
    /// Returns the new checkpoint. Throws, changing nothing, if the batch is not contiguous with
    /// the checkpoint or any projection fails.
    @discardableResult
    public func apply<Events: BidirectionalCollection<EventEnvelope> & Sendable>(_ events: Events) async throws -> Int {
        defer { lookups.committed() }
        return try await pool.write { db in try Self.apply(events, in: db) }
    }

    /// `apply`, run on the caller's thread: for a caller with a thread of its own (the subscriber's
    /// live batches, see ``EventLoopExecutor``), to whom GRDB's writer queue would add a hop there
    /// and one back per batch. Blocks for the transaction; not for the cooperative pool.
    @discardableResult
    public func applyNow<Events: BidirectionalCollection<EventEnvelope>>(_ events: Events) throws -> Int {
        defer { lookups.committed() }
        return try pool.write { db in try Self.apply(events, in: db) }
    }

    private static func apply<Events: BidirectionalCollection<EventEnvelope>>(_ events: Events, in db: Database)
        throws -> Int
    {
        var checkpoint = try Self.checkpoint(db)
        var batch = ProjectionBatch(db: db, lastPosition: events.last?.position ?? checkpoint)
        for event in events where event.position > checkpoint {
            guard event.position == checkpoint + 1 else {
                throw ProjectionStoreError.notContiguous(expected: checkpoint + 1, got: event.position)
            }
            try Projector.apply(event, in: &batch)
            checkpoint = event.position
        }
        try batch.finish()
        try db.run("UPDATE checkpoint SET position = ? WHERE id = 1", [checkpoint])
        return checkpoint
    }

    /// Drops every projection and the checkpoint and recreates the empty schema: the first half of
    /// a rebuild. Not meant to run while a subscriber applies to the same file.
    public func erase() throws {
        lookups.committed()  // no snapshot of the lookups stays open across it
        defer { lookups.committed() }
        try pool.erase()
        try Schema.migrator.migrate(pool)
    }

    /// A read on a consistent snapshot (projections and checkpoint agree).
    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    /// Every projection row as text, table by table in a stable order: for comparing databases.
    public func dump() async throws -> [String: [String]] {
        try await pool.read { db in
            var tables: [String: [String]] = [:]
            for table in Schema.projectionTables {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2")
                tables[table] = rows.map { $0.description }
            }
            return tables
        }
    }

    static func checkpoint(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT position FROM checkpoint WHERE id = 1")) ?? 0
    }
}
