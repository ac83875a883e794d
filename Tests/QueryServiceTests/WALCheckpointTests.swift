import Contracts
import Foundation
import GRDB
import TestSupport
import Testing

@testable import QueryService

/// The read side's WAL checkpoints under steady writes: the checkpointer's pass cannot copy frames
/// written while it runs, and SQLite starts the WAL over only once every frame is copied. The
/// writer's completion (`ProjectionStore.completeCheckpointIfDue()`) copies the rest, so the WAL
/// starts over instead of growing until SQLite's automatic checkpoint runs inside a live batch.
@Suite struct WALCheckpointTests {
    @Test(arguments: [true, false])
    func theWALStartsOverOnceTheWriterCompletesTheCheckpoint(completing: Bool) async throws {
        try await withSandbox { sandbox in
            let path = sandbox.path("wal.sqlite")
            let store = try ProjectionStore(path: path)
            let model = ReadModel(store: store)
            var events = Self.events[...]
            func applyNext(_ count: Int) throws {
                try store.applyNow(events.prefix(count))
                events = events.dropFirst(count)
            }
            for _ in 0..<40 { try applyNext(5) }
            #expect(try store.completeCheckpointIfDue() == false)  // no pass yet: nothing to complete

            // Frames the checkpointer's pass cannot copy: written after the snapshot a reader holds
            // while the pass runs (in the service, while it syncs).
            let reader = try holdSnapshot(path)
            try applyNext(5)
            try await store.checkpointWAL()
            try reader.inDatabase { db in try db.commit() }
            // A lookup keeps its connection's snapshot while idle, until the next commit.
            #expect(try lookup(model, "order-204") == 1)
            let resets = try walResets(path)

            if completing {
                #expect(try store.completeCheckpointIfDue())
                #expect(try store.completeCheckpointIfDue() == false)  // once per pass
            }
            try applyNext(5)

            #expect(try walResets(path) == (completing ? resets + 1 : resets))
            #expect(try lookup(model, "order-209") == 1)
            #expect(try await store.checkpoint() == 210)
        }
    }

    @Test func whileAnotherCheckpointRunsTheCompletionStaysDue() async throws {
        try await withSandbox { sandbox in
            let path = sandbox.path("wal.sqlite")
            let store = try ProjectionStore(path: path)
            let events = Self.events
            for start in stride(from: 0, to: 200, by: 5) { try store.applyNow(events[start..<start + 5]) }
            try await store.checkpointWAL()

            // Another checkpoint holds SQLite's checkpoint lock: a RESTART, waiting for a reader's
            // snapshot to end (as the checkpointer's next pass would, in a quiet spell).
            let reader = try holdSnapshot(path)
            try store.applyNow(events[200..<205])
            var patient = Configuration()
            patient.busyMode = .timeout(60)
            let restarter = try DatabaseQueue(path: path, configuration: patient)
            let restart = Task { try await restarter.writeWithoutTransaction { db in try db.checkpoint(.restart) } }
            // It holds the write lock too while it waits: a write that does not wait is refused then.
            let probe = try DatabaseQueue(path: path)
            _ = try await eventually("the RESTART checkpoint holds the locks", timeout: .seconds(30)) { () -> Bool? in
                do {
                    try probe.inDatabase { db in
                        try db.execute(sql: "BEGIN IMMEDIATE")
                        try db.execute(sql: "ROLLBACK")
                    }
                    return nil
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                    return true
                }
            }

            #expect(try store.completeCheckpointIfDue() == false)
            try reader.inDatabase { db in try db.commit() }
            _ = try await restart.value
            #expect(try store.completeCheckpointIfDue())  // still due, and done now
            #expect(try store.completeCheckpointIfDue() == false)
        }
    }

    private static let events = History.allocations(count: 300).enumerated().map { index, payload in
        History.envelope(position: index + 1, payload: payload)
    }

    /// A connection reading the projections as they are now, until `commit()` on it.
    private func holdSnapshot(_ path: String) throws -> DatabaseQueue {
        var holding = Configuration()
        holding.allowsUnsafeTransactions = true  // the read transaction spans two accesses
        let reader = try DatabaseQueue(path: path, configuration: holding)
        try reader.inDatabase { db in
            try db.beginTransaction(.deferred)
            _ = try Int.fetchOne(db, sql: "SELECT position FROM checkpoint")
        }
        return reader
    }

    /// The WAL header's checkpoint sequence number: SQLite adds one each time the WAL starts over.
    private func walResets(_ path: String) throws -> UInt32 {
        let header = try Data(contentsOf: URL(fileURLWithPath: path + "-wal")).prefix(16)
        return header.suffix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Lines of `orderid`, read through the event loop's lookup connections.
    private func lookup(_ model: ReadModel, _ orderid: String) throws -> Int {
        var lines = 0
        _ = try Array(orderid.utf8).withUnsafeBytes { key in
            try model.allocations(orderid: key) { _, _ in
                lines += 1
                return true
            }
        }
        return lines
    }
}
