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

extension DatabasePoolTests {
    /// A lease given up while it waits (its command's deadline) stops counting as waiting: else the
    /// watcher would see a stalled pool for ever, and keep connecting to look at the database.
    /// No pool keeps connections open: PostgresNIO traps (`createNewDemandConnectionIfPossible`'s
    /// precondition) when a lease finds fewer open connections than its minimum, as a restart of
    /// PostgreSQL leaves them, and `scripts/chaos` saw the service crash so. Unused connections
    /// close after a few seconds, which bounds what their cancelled idle timers hold.
    @Test func poolsOpenConnectionsOnDemandAndCloseThemSoon() throws {
        var settings = try DatabaseURL.settings("postgres://cosmic@127.0.0.1:5432/cosmic")
        settings.pool.options.maximumConnections = 7  // what --pool-size sets
        let configuration = DatabasePool.configuration(settings)
        #expect(configuration.options.minimumConnections == 0)
        #expect(configuration.options.maximumConnections == 7)
        #expect(configuration.options.connectionIdleTimeout == DatabasePool.idleTimeout)
        #expect(DatabasePool.idleTimeout <= .seconds(10))
    }

    @Test(.timeLimit(.minutes(1))) func aLeaseGivenUpWhileWaitingNoLongerCounts() async throws {
        let pool = DatabasePool(makePool: { StuckPool() }, databaseAnswers: { false }, logger: ServiceHarness.logger)
        let lease = Task { try await pool.withConnection { _ in 1 } }
        _ = try await eventually("the lease waits") { pool.waitingLeases == 1 ? true : nil }
        lease.cancel()
        _ = try? await lease.value
        #expect(pool.waitingLeases == 0)
    }
}

extension DatabasePoolTests {
    /// The service's parts start alongside the pool and may ask for a connection before it runs:
    /// such a lease waits, and reaches PostgresNIO's pool only once `run()` has been called on it
    /// (else PostgresNIO warns in the log of every busy start).
    @Test(.timeLimit(.minutes(1))) func aLeaseAskedBeforeThePoolRunsWaitsForIt() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let configuration = try TestDatabase.configuration(url)
            let real = RunWatchingPool(
                PostgresClient(configuration: configuration, backgroundLogger: ServiceHarness.logger))
            let pools = Pools(first: real) {
                PostgresClient(configuration: configuration, backgroundLogger: ServiceHarness.logger)
            }
            let pool = DatabasePool(makePool: pools.next, databaseAnswers: { true }, logger: ServiceHarness.logger)
            let lease = Task {
                try await pool.withConnection { connection in
                    try await connection.query("SELECT 1", logger: ServiceHarness.logger).collect().count
                }
            }
            _ = try await eventually("the lease waits") { pool.waitingLeases == 1 ? true : nil }
            #expect(real.leasedBeforeRun.load(ordering: .relaxed) == 0)
            let running = Task { await pool.run() }
            let rows = try await lease.value
            running.cancel()
            await running.value
            #expect(rows == 1)
            #expect(real.leasedBeforeRun.load(ordering: .relaxed) == 0)
        }
    }
}

/// A real pool that counts the leases asked of it before its `run()` was called.
private final class RunWatchingPool: DatabasePool.Source {
    private let client: PostgresClient
    private let runCalled = Atomic<Bool>(false)
    let leasedBeforeRun = Atomic<Int>(0)

    init(_ client: PostgresClient) { self.client = client }

    func withConnection<T: Sendable>(
        _ body: nonisolated(nonsending) (PostgresConnection) async throws -> T
    ) async throws -> T {
        if !runCalled.load(ordering: .relaxed) { leasedBeforeRun.add(1, ordering: .relaxed) }
        return try await client.withConnection(body)
    }

    func run() async {
        runCalled.store(true, ordering: .relaxed)
        await client.run()
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

/// A pool that keeps every lease waiting until it is closed or the lease is cancelled, as
/// PostgresNIO's does while it backs off, and then fails them, as PostgresNIO's does.
private final class StuckPool: DatabasePool.Source {
    private struct Closed: Error {}
    private struct Waiting {
        var closed = false
        var next = 0
        var leases: [Int: CheckedContinuation<Void, any Error>] = [:]
    }
    private let waiting = Mutex(Waiting())

    func withConnection<T: Sendable>(
        _ body: nonisolated(nonsending) (PostgresConnection) async throws -> T
    ) async throws -> T {
        let id = waiting.withLock { waiting in
            waiting.next += 1
            return waiting.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { lease in
                let refused: (any Error)? = waiting.withLock { waiting in
                    if waiting.closed { return Closed() }
                    if Task.isCancelled { return CancellationError() }
                    waiting.leases[id] = lease
                    return nil
                }
                if let refused { lease.resume(throwing: refused) }
            }
        } onCancel: {
            waiting.withLock { $0.leases.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
        throw Closed()  // never granted
    }

    func run() async {
        try? await Task.sleep(for: .seconds(86_400))  // until cancelled: the pool is closed
        let leases = waiting.withLock { waiting in
            waiting.closed = true
            defer { waiting.leases = [:] }
            return waiting.leases.values
        }
        for lease in leases { lease.resume(throwing: Closed()) }
    }
}
