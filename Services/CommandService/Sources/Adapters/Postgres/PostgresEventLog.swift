import Contracts
import Foundation
import Logging
import PostgresNIO

/// The event log's global order: gap-free positions, given after commit.
///
/// A sequence column alone is not enough: transactions take sequence numbers when they insert but
/// become visible when they commit, in another order, so a reader trusting `seq` would skip an event
/// that commits late. Instead, `sequence()` numbers only events already committed, under the row lock
/// of `event_head`: positions come out gap-free, strictly increasing, in the order commits became
/// visible, and writers stay parallel — they never wait for each other, only for a round of this.
/// One aggregate's events keep their order because its writers are serialized by its version.
public struct PostgresEventLog: Sendable {
    let client: any ConnectionSource
    let logger: Logger

    public init(client: any ConnectionSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Numbers every committed event that has no position yet, oldest mark first. Safe to run from
    /// several processes at once (they queue on the head's row lock). Returns what it numbered.
    @discardableResult
    public func sequence(batchSize: Int = 10_000) async throws -> [(mark: EventMark, position: Int)] {
        // Most rounds find nothing (groups number their own events): ask without taking the head's
        // row lock, which a group holds until it commits. An event committed before this call is
        // visible to this read, so skipping the round cannot leave it unnumbered.
        let pending = try await client.withConnection { [logger] connection in
            var pending = false
            for try await exists in try await connection.checkedQuery(
                "SELECT EXISTS (SELECT 1 FROM event_log WHERE position IS NULL)", logger: logger
            ).decode(Bool.self) { pending = exists }
            return pending
        }
        guard pending else { return [] }
        var all: [(mark: EventMark, position: Int)] = []
        while true {
            let round = try await client.withTransaction(logger: logger) { connection in
                var head = 0
                for try await value in try await connection.checkedQuery(
                    "SELECT head FROM event_head WHERE id = 1 FOR UPDATE", logger: logger
                ).decode(Int.self) { head = value }
                let rows = try await connection.checkedQuery(
                    """
                    WITH pending AS (
                        SELECT seq FROM event_log WHERE position IS NULL ORDER BY seq LIMIT \(batchSize)
                    ), numbered AS (
                        SELECT seq, \(head) + row_number() OVER (ORDER BY seq) AS position FROM pending
                    )
                    UPDATE event_log e SET position = numbered.position FROM numbered
                    WHERE e.seq = numbered.seq
                    RETURNING e.seq, e.position
                    """, logger: logger)
                var numbered: [(mark: EventMark, position: Int)] = []
                for try await (seq, position) in rows.decode((Int64, Int).self) {
                    numbered.append((EventMark(seq), position))
                }
                if !numbered.isEmpty {
                    try await connection.checkedQuery(
                        "UPDATE event_head SET head = \(head + numbered.count) WHERE id = 1", logger: logger)
                }
                return numbered
            }
            all += round
            if round.count < batchSize { return all }
        }
    }

    /// The highest position given so far (0 for an empty log).
    public func head() async throws -> Int {
        try await single("SELECT head FROM event_head WHERE id = 1") ?? 0
    }

    /// The head, and the log's id (`log_identity`, drawn once by the migration that made it), in one
    /// round trip.
    public func headAndLogIdentity() async throws -> (head: Int, log: String) {
        try await client.withConnection { [logger] connection in
            var found: (Int, String)?
            for try await row in try await connection.checkedQuery(
                "SELECT h.head, l.log FROM event_head h, log_identity l WHERE h.id = 1 AND l.id = 1", logger: logger
            ).decode((Int, String).self) { found = row }
            guard let found else { throw Self.noIdentity }
            return found
        }
    }

    static func logIdentity(on connection: PostgresConnection, logger: Logger) async throws -> String {
        var log: String?
        for try await value in try await connection.checkedQuery(
            "SELECT log FROM log_identity WHERE id = 1", logger: logger
        ).decode(String.self) { log = value }
        guard let log else { throw Self.noIdentity }
        return log
    }

    /// `log_identity` has no row: only before migration 8 has run.
    private static let noIdentity = UnitOfWorkError.unavailable("the event log has no id: is the schema migrated?")

    /// Events committed but not yet numbered.
    public func unpositionedCount() async throws -> Int {
        try await single("SELECT count(*)::bigint FROM event_log WHERE position IS NULL") ?? 0
    }

    /// The position given to `mark`, if it has one.
    public func position(of mark: EventMark) async throws -> Int? {
        try await single("SELECT position FROM event_log WHERE seq = \(mark.rawValue)")
    }

    /// Up to `limit` events from `position` on, in position order.
    public func events(from position: Int, limit: Int) async throws -> [EventEnvelope] {
        try await client.withConnection { connection in
            try await Self.envelopes(eventRows(from: position, limit: limit, on: connection))
        }
    }

    /// A replay response of up to `limit` events from `position` on, written by a `Writer` from the
    /// stored rows without parsing their payloads (see ``StoredEnvelope``).
    public func replayPage<Writer: ReplayFrameWriter>(
        _: Writer.Type, from position: Int, limit: Int, head: Int
    ) async throws -> [UInt8] {
        try await client.withConnection { connection in
            var page = Writer(expectedEvents: limit)
            try await Self.forEachStored(eventRows(from: position, limit: limit, on: connection)) {
                try page.append($0)
            }
            return page.finish(head: head)
        }
    }

    private func eventRows(
        from position: Int, limit: Int, on connection: PostgresConnection
    ) async throws -> PostgresRowSequence {
        try await connection.checkedQuery(
            """
            SELECT \(unescaped: EventRecord.selection) FROM event_log
            WHERE position >= \(position) ORDER BY position LIMIT \(limit)
            """, logger: logger)
    }

    /// Decodes rows of ``EventRecord/selection`` into the published envelopes.
    static func envelopes<Rows: AsyncSequence<PostgresRow, any Error>>(_ rows: Rows) async throws -> [EventEnvelope] {
        var events: [EventEnvelope] = []
        try await forEachStored(rows) { events.append(try $0.decoded()) }
        return events
    }

    /// Hands each row of ``EventRecord/selection`` to `body` as a ``StoredEnvelope`` whose text
    /// fields point into the row's buffer: no String, no parsed payload.
    static func forEachStored<Rows: AsyncSequence<PostgresRow, any Error>>(
        _ rows: Rows, _ body: (StoredEnvelope) throws -> Void
    ) async throws {
        for try await row in rows {
            var cells = row.makeIterator()
            guard let record = cells.next()?.bytes else { throw PostgresDecodingError.Code.missingData }
            try record.withUnsafeReadableBytes { try EventRecord.read($0, body) }
        }
    }

    private func single(_ query: PostgresQuery) async throws -> Int? {
        try await client.withConnection { [logger] connection in
            var result: Int?
            for try await value in try await connection.checkedQuery(query, logger: logger).decode(Int?.self) {
                result = value
            }
            return result
        }
    }
}
