import GRDBSQLite
import Synchronization

/// A read-only connection of its own to the projections, with the point lookup prepared once: the
/// event loop's fast path (``EventLoopAnswer``) reads through it on its own thread.
///
/// GRDB's reads wrap each query in a savepoint, a `Row` per row and a hop to the reader's queue,
/// which cost more than an indexed lookup itself. Here a lookup is one prepared statement stepped
/// once per row, and the rows' bytes are handed out without becoming `String`s.
///
/// Its read transaction stays open from one lookup to the next, until the projections change: each
/// transaction costs SQLite file locks (`fcntl`, under a process-wide mutex the event loops
/// contended for), several times the lookup itself. ``LookupConnections`` hands the connections
/// out, one thread at a time, and renews their snapshots after every commit, so a lookup never
/// answers from data older than the last commit before it began.
final class LookupConnection {
    private let handle: OpaquePointer
    private let begin: OpaquePointer
    private let commit: OpaquePointer
    /// The lines and the checkpoint, in one statement.
    private let allocations: OpaquePointer
    /// The projections' version (``LookupConnections/version``) the open transaction reads, or nil
    /// when none is open.
    private var snapshot: Int?
    /// How much of the file a lookup connection maps (address space, not memory: pages are shared
    /// with the kernel's cache).
    static let mappedBytes = 1 << 30

    init(path: String, busyTimeout: Duration) throws {
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READONLY, nil)
        guard code == SQLITE_OK, let opened else {
            sqlite3_close_v2(opened)
            throw LookupError.sqlite(code, "cannot open \(path)")
        }
        handle = opened
        sqlite3_busy_timeout(handle, Int32(busyTimeout.components.seconds * 1000))
        // Random lookups over a large file read pages all over it: mapped, a page the kernel
        // caches is read in place instead of copied by a system call into SQLite's own cache.
        sqlite3_exec(handle, "PRAGMA mmap_size = \(Self.mappedBytes)", nil, nil, nil)
        var statements: [OpaquePointer] = []
        for sql in [
            "BEGIN", "COMMIT",
            """
            SELECT sku, batchref, (SELECT position FROM checkpoint WHERE id = 1)
            FROM allocations WHERE orderid = ? ORDER BY sku
            """,
        ] {
            var statement: OpaquePointer?
            let prepared = sqlite3_prepare_v3(opened, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
            guard prepared == SQLITE_OK, let statement else {
                let message = Self.message(opened)
                statements.forEach { sqlite3_finalize($0) }
                sqlite3_finalize(statement)
                sqlite3_close_v2(opened)
                throw LookupError.sqlite(prepared, message)
            }
            statements.append(statement)
        }
        (begin, commit, allocations) = (statements[0], statements[1], statements[2])
    }

    deinit {
        end()
        for statement in [begin, commit, allocations] { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Ends the open read transaction, if any: the next lookup reads a new snapshot.
    func end() {
        guard snapshot != nil else { return }
        snapshot = nil
        sqlite3_step(commit)
        sqlite3_reset(commit)
    }

    /// Makes sure the open transaction reads `version` of the projections or a later one.
    private func read(_ version: Int) throws {
        guard snapshot != version else { return }
        end()
        let code = sqlite3_step(begin)
        sqlite3_reset(begin)
        guard code == SQLITE_DONE else { throw LookupError.sqlite(code, Self.message(handle)) }
        // The snapshot itself is taken by the first read, after `version` was current.
        snapshot = version
    }

    /// Calls `line` with the UTF-8 bytes of each allocation of `orderid` (sku, batchref), in the
    /// order of `GET /allocations/{orderid}`, and returns the checkpoint they are as of, all on one
    /// snapshot, one at `version` of the projections or later; nil when the order has no lines.
    /// `line` returns false to stop early. The bytes are valid only during the call.
    func allocations(
        version: Int, orderid: UnsafeRawBufferPointer,
        _ line: (_ sku: UnsafeRawBufferPointer, _ batchref: UnsafeRawBufferPointer) -> Bool
    ) throws -> Int? {
        guard let key = orderid.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
        try read(version)
        defer { sqlite3_reset(allocations) }
        // SQLite reads the key where it is (no copy): it stays valid until the statement is reset.
        let code = sqlite3_bind_text(allocations, 1, key, Int32(orderid.count), nil)
        guard code == SQLITE_OK else { throw LookupError.sqlite(code, Self.message(handle)) }
        var checkpoint: Int?
        var result = sqlite3_step(allocations)
        while result == SQLITE_ROW {
            checkpoint = Int(sqlite3_column_int64(allocations, 2))
            guard line(Self.text(allocations, 0), Self.text(allocations, 1)) else { break }
            result = sqlite3_step(allocations)
        }
        if result != SQLITE_ROW && result != SQLITE_DONE {
            end()
            throw LookupError.sqlite(result, Self.message(handle))
        }
        return checkpoint
    }

    private static func text(_ statement: OpaquePointer, _ column: Int32) -> UnsafeRawBufferPointer {
        let bytes = sqlite3_column_text(statement, column)
        return UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column)))
    }

    private static func message(_ handle: OpaquePointer) -> String { String(cString: sqlite3_errmsg(handle)) }
}

/// Why a lookup through a ``LookupConnection`` failed: the fast path then leaves the request to
/// the router, whose answer reports it.
enum LookupError: Error {
    case sqlite(Int32, String)
}

/// The lookup connections of one database: each taken by one thread at a time, opened when first
/// needed, and kept (as many as threads ever looked up at once: the event loops).
final class LookupConnections: Sendable {
    private let path: String
    private let busyTimeout: Duration
    private let idle = Mutex<[Connection]>([])
    /// Moves after every commit to the projections: a connection whose snapshot is older renews it.
    private let version = Atomic<Int>(0)

    /// A connection in the pool; only the thread that took it uses it, until it gives it back.
    private struct Connection: @unchecked Sendable {
        let connection: LookupConnection
    }

    init(path: String, busyTimeout: Duration) {
        self.path = path
        self.busyTimeout = busyTimeout
    }

    /// Runs `body` with a connection reading the projections as of the last commit or later.
    func with<T>(_ body: (_ connection: LookupConnection, _ version: Int) throws -> T) throws -> T {
        let version = version.load(ordering: .acquiring)
        let connection =
            try idle.withLock { $0.popLast() }
            ?? Connection(connection: LookupConnection(path: path, busyTimeout: busyTimeout))
        defer { idle.withLock { $0.append(connection) } }
        return try body(connection.connection, version)
    }

    /// Called after each commit to the projections. Snapshots of idle connections end now (an old
    /// snapshot kept open would stop WAL checkpoints from recycling the log); those in use renew
    /// theirs at their next lookup.
    func committed() {
        version.add(1, ordering: .releasing)
        endIdleSnapshots()
    }

    /// Ends the snapshots of idle connections, so that none holds on to the WAL (see
    /// ``ProjectionStore/completeCheckpointIfDue()``); their next lookups begin new ones.
    func endIdleSnapshots() {
        idle.withLock { connections in
            for connection in connections { connection.connection.end() }
        }
    }
}
