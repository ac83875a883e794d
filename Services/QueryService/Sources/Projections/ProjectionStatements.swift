import GRDB
import GRDBSQLite

/// The projections' statements, bound and stepped straight through SQLite's C API.
///
/// Catch-up runs three or four statements per event, a million events in a row. GRDB's
/// `execute(arguments:)` boxes every argument into an array of existentials and runs its observation
/// hooks around each step, which profiled at more than twice what SQLite itself spends. Here the
/// statements still come from GRDB's cache and run inside GRDB's transaction (which rolls back on
/// any error thrown from here); only the per-call wrapping is skipped. The read side registers no
/// GRDB observers, so nothing that hook would serve is lost.
struct ProjectionStatements {
    private let db: Database
    /// Statements met in this transaction, by the address of their SQL literal: a few dozen at most,
    /// so a scan comparing pointers beats hashing anything.
    private var prepared: [(sql: UnsafeRawPointer, statement: Statement)] = []

    init(db: Database) { self.db = db }

    /// Runs `sql` once with `values` bound to its `?` in order. Returns the number of rows changed.
    @discardableResult
    mutating func run<each Value: SQLiteBindable>(_ sql: StaticString, _ values: repeat each Value) throws -> Int {
        let handle = try bound(sql, repeat each values)
        defer { sqlite3_reset(handle) }
        try check(sqlite3_step(handle), sql, expecting: SQLITE_DONE)
        return Int(sqlite3_changes(db.sqliteConnection))
    }

    /// Whether the query `sql` finds a row for `values`: a probe by key, without reading the row.
    mutating func exists<each Value: SQLiteBindable>(_ sql: StaticString, _ values: repeat each Value) throws -> Bool {
        let handle = try bound(sql, repeat each values)
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        try check(code, sql, expecting: SQLITE_DONE)
        return false
    }

    /// The statement of `sql`, prepared once per transaction, with `values` bound to it.
    private mutating func bound<each Value: SQLiteBindable>(
        _ sql: StaticString, _ values: repeat each Value
    ) throws -> OpaquePointer {
        let key = UnsafeRawPointer(sql.utf8Start)
        let statement: Statement
        if let known = prepared.first(where: { $0.sql == key }) {
            statement = known.statement
        } else {
            statement = try db.cachedStatement(sql: sql.description)
            prepared.append((key, statement))
        }
        let handle = statement.sqliteStatement
        var index: Int32 = 0
        for value in repeat each values {
            index += 1
            let code = value.bind(to: handle, at: index)
            if code != SQLITE_OK { sqlite3_reset(handle) }
            try check(code, sql)
        }
        return handle
    }

    private func check(_ code: Int32, _ sql: StaticString, expecting expected: Int32 = SQLITE_OK) throws {
        guard code != expected else { return }
        throw DatabaseError(
            resultCode: ResultCode(rawValue: code),
            message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql.description)
    }
}

/// A value the projections bind to a statement parameter.
protocol SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32
}

/// SQLite copies the bytes at bind time (SQLITE_TRANSIENT, a macro Swift does not import).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Int: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, Int64(self))
    }
}

extension String: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        var text = self
        return text.withUTF8 { utf8 in
            // An empty buffer may have no address, which SQLite would take for NULL.
            guard let base = utf8.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, transient) }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                sqlite3_bind_text(statement, index, $0, Int32(utf8.count), transient)
            }
        }
    }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        guard let self else { return sqlite3_bind_null(statement, index) }
        return self.bind(to: statement, at: index)
    }
}
