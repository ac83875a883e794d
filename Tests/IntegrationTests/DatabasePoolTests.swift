import Logging
import PostgresNIO
import Synchronization
import TestSupport
import Testing

@testable import CommandService

/// After an outage PostgresNIO's pool may keep its leases waiting for seconds (its backoff) while
/// the database already answers: `DatabasePool` then swaps it for a fresh pool, and the waiting
/// lease is served by the fresh one. Here the first pool is a stand-in that never grants a lease;
/// the pools after it are real, and may take their time to connect on a busy machine without being
/// swapped again (a slow database is not an outage).
@Suite struct DatabasePoolTests {
    @Test(.timeLimit(.minutes(1))) func aPoolThatKeepsALeaseWaitingWhileTheDatabaseAnswersIsSwapped() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let configuration = try TestDatabase.configuration(url)
            let pools = Pools(first: StuckPool()) {
                PostgresClient(configuration: configuration, backgroundLogger: ServiceHarness.logger)
            }
            // The database is down at the first look, and back at every later one.
            let looks = Atomic<Int>(0)
            let pool = DatabasePool(
                makePool: pools.next, databaseAnswers: { looks.add(1, ordering: .relaxed).newValue > 1 },
                logger: ServiceHarness.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await pool.run() }
                let answer = try await pool.withConnection { connection in
                    var answer = 0
                    for try await value in try await connection.query("SELECT 42", logger: ServiceHarness.logger)
                        .decode(Int.self)
                    {
                        answer = value
                    }
                    return answer
                }
                #expect(answer == 42)
                #expect(pool.swaps == 1)
                group.cancelAll()
            }
        }
    }
}

/// Hands out the stand-in first, then real pools.
private final class Pools: Sendable {
    private let first: Mutex<(any DatabasePool.Source)?>
    private let make: @Sendable () -> any DatabasePool.Source

    init(first: any DatabasePool.Source, then make: @escaping @Sendable () -> any DatabasePool.Source) {
        self.first = Mutex(first)
        self.make = make
    }

    @Sendable func next() -> any DatabasePool.Source {
        first.withLock { first in
            defer { first = nil }
            return first
        } ?? make()
    }
}

/// A pool that keeps every lease waiting until it is closed, as PostgresNIO's does while it backs
/// off, and then fails them, as PostgresNIO's does when it shuts down.
private final class StuckPool: DatabasePool.Source {
    private struct Closed: Error {}
    private let waiting = Mutex<(closed: Bool, leases: [CheckedContinuation<Void, any Error>])>((false, []))

    func withConnection<T: Sendable>(
        _ body: nonisolated(nonsending) (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { lease in
            let closed = waiting.withLock { waiting in
                if !waiting.closed { waiting.leases.append(lease) }
                return waiting.closed
            }
            if closed { lease.resume(throwing: Closed()) }
        }
        throw Closed()  // never granted
    }

    func run() async {
        try? await Task.sleep(for: .seconds(86_400))  // until cancelled: the pool is closed
        let leases = waiting.withLock { waiting in
            waiting.closed = true
            defer { waiting.leases = [] }
            return waiting.leases
        }
        for lease in leases { lease.resume(throwing: Closed()) }
    }
}
