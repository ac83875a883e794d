import GRDBSQLite
import Synchronization

/// A read-only connection of its own to the projections, with the point lookups prepared once:
/// the event loop's fast path (``PointLookupAnswer``) reads through it on its own thread.
///
/// GRDB's reads wrap each query in a savepoint, a `Row` per row and a hop to the reader's queue,
/// which cost more than an indexed lookup itself. Here one lookup is six calls into SQLite
/// (begin, step, step, checkpoint, reset, commit), and the rows' bytes are handed out without
/// becoming `String`s. One thread uses a connection at a time; ``LookupConnections`` hands them out.
final class LookupConnection {
    private let handle: OpaquePointer
    private let begin: OpaquePointer
    private let commit: OpaquePointer
    private let allocations: OpaquePointer
    private let checkpoint: OpaquePointer
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
        do {
            for sql in [
                "BEGIN", "COMMIT", "SELECT sku, batchref FROM allocations WHERE orderid = ? ORDER BY sku",
                "SELECT position FROM checkpoint WHERE id = 1",
            ] {
                var statement: OpaquePointer?
                let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
                guard code == SQLITE_OK, let statement else { throw LookupError.sqlite(code, Self.message(opened)) }
                statements.append(statement)
            }
        } catch {
            statements.forEach { sqlite3_finalize($0) }
            sqlite3_close_v2(handle)
            throw error
        }
        (begin, commit, allocations, checkpoint) = (statements[0], statements[1], statements[2], statements[3])
    }

    deinit {
        for statement in [begin, commit, allocations, checkpoint] { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Calls `line` with the UTF-8 bytes of each allocation of `orderid` (sku, batchref), in the
    /// order of `GET /allocations/{orderid}`, and returns the checkpoint they are as of, all on one
    /// snapshot. `line` returns false to stop early. The bytes are valid only during the call.
    func allocations(
        orderid: UnsafeRawBufferPointer,
        _ line: (_ sku: UnsafeRawBufferPointer, _ batchref: UnsafeRawBufferPointer) -> Bool
    ) throws -> Int {
        guard let key = orderid.baseAddress?.assumingMemoryBound(to: CChar.self) else { return try empty() }
        try step(begin, expecting: SQLITE_DONE)
        defer {
            sqlite3_reset(allocations)
            sqlite3_reset(checkpoint)
            sqlite3_step(commit)
            sqlite3_reset(commit)
        }
        sqlite3_reset(begin)
        // SQLite reads the key where it is (no copy): it stays valid until the statement is reset.
        let code = sqlite3_bind_text(allocations, 1, key, Int32(orderid.count), nil)
        guard code == SQLITE_OK else { throw LookupError.sqlite(code, Self.message(handle)) }
        var result = sqlite3_step(allocations)
        while result == SQLITE_ROW {
            guard line(Self.text(allocations, 0), Self.text(allocations, 1)) else { break }
            result = sqlite3_step(allocations)
        }
        if result != SQLITE_ROW && result != SQLITE_DONE { throw LookupError.sqlite(result, Self.message(handle)) }
        try step(checkpoint, expecting: SQLITE_ROW)
        return Int(sqlite3_column_int64(checkpoint, 0))
    }

    /// The checkpoint, for a lookup that cannot find anything.
    private func empty() throws -> Int {
        defer { sqlite3_reset(checkpoint) }
        try step(checkpoint, expecting: SQLITE_ROW)
        return Int(sqlite3_column_int64(checkpoint, 0))
    }

    private func step(_ statement: OpaquePointer, expecting expected: Int32) throws {
        let code = sqlite3_step(statement)
        guard code == expected else {
            sqlite3_reset(statement)
            throw LookupError.sqlite(code, Self.message(handle))
        }
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

    /// A connection in the pool; only the thread that took it uses it, until it gives it back.
    private struct Connection: @unchecked Sendable {
        let connection: LookupConnection
    }

    init(path: String, busyTimeout: Duration) {
        self.path = path
        self.busyTimeout = busyTimeout
    }

    func with<T>(_ body: (LookupConnection) throws -> T) throws -> T {
        let connection =
            try idle.withLock { $0.popLast() }
            ?? Connection(
                connection: LookupConnection(path: path, busyTimeout: busyTimeout))
        defer { idle.withLock { $0.append(connection) } }
        return try body(connection.connection)
    }
}
