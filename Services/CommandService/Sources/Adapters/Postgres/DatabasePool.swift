import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The command service's connections: PostgresNIO's pool, swapped for a fresh one as soon as the
/// database accepts connections again after an outage.
///
/// PostgresNIO's pool retries a failed connection after a backoff that grows with every failure
/// (100 ms × 1.25ⁿ up to a minute, not configurable) and keeps every lease waiting until then: after
/// an outage of a few seconds it notices that the database is back seconds late, and the commands
/// in between time out. So a watcher looks every `checkInterval` for a lease that has waited
/// `stall` or longer while no connection of the pool is in use. Then it connects once itself. If
/// that fails, there is an outage; if it works after one, with the pool still granting nothing, the
/// database is back and only the pool has not noticed: a fresh pool (started beforehand, so it is
/// ready) becomes current, the old one is closed, and the leases that waited in it ask the fresh one. No work runs on a pool that is closed this way: a lease it grants after
/// the swap is handed back unused.
///
/// Every pool opens its connections on demand and closes one after `idleTimeout` unused
/// (``configuration(_:)``). A connection handed back to the pool arms an idle timer, and every
/// lease cancels it; a cancelled `Task.sleep` keeps its memory until the time it was set for, so
/// with PostgresNIO's default of 60 s the idle timers alone held tens of megabytes at thousands of
/// leases a second (BENCHMARKS.md, memory). A few seconds bound that. Keeping the connections open
/// instead (a minimum equal to the maximum) crashed the service: PostgresNIO traps when a lease finds
/// fewer open connections than its minimum, which is what a restart of PostgreSQL leaves for a moment.
public final class DatabasePool: ConnectionSource, Service {
    /// How often the watcher looks for a stalled lease.
    public static let checkInterval: Duration = .milliseconds(50)
    /// How long a lease may wait, with no connection in use, before the watcher checks the database.
    public static let stall: Duration = .milliseconds(200)

    /// A pool: PostgresNIO's `PostgresClient`, or a test's stand-in.
    protocol Source: ConnectionSource {
        func run() async
    }

    private struct Pool {
        let client: any Source
        var running: Task<Void, Never>?
    }

    private struct State {
        var current: Pool
        var standby: Pool
        /// Counts the swaps: a lease knows which pool it asked.
        var generation = 0
        var waitingSince: [Int: ContinuousClock.Instant] = [:]
        var nextTicket = 0
        /// Bodies running on a connection of the current pool.
        var inUse = 0
        /// The database refused the watcher since the current pool last granted a lease.
        var outageSeen = false
        /// Whether the first pool runs; leases asked for before wait here (`untilRunning`).
        var running = false
        var beforeRunning: [Int: CheckedContinuation<Void, any Error>] = [:]
    }

    /// Why a lease was handed back unused: its pool is no longer current, or its connection closed.
    private enum Unused: Error, CustomStringConvertible {
        case replaced
        case closed

        var description: String {
            switch self {
            case .replaced: "the pool was replaced"
            case .closed: "the connection to the database is closed"
            }
        }
    }

    private let makePool: @Sendable () -> any Source
    private let databaseAnswers: @Sendable () async -> Bool
    private let logger: Logger
    private let state: Mutex<State>

    /// How long a connection may stay unused in the pool before it is closed.
    public static let idleTimeout: Duration = .seconds(5)

    /// The configuration of every pool: connections on demand, none kept open (a minimum above zero
    /// is what PostgresNIO traps on, above), closed after ``idleTimeout`` unused.
    static func configuration(_ database: DatabaseSettings) -> PostgresClient.Configuration {
        var configuration = database.pool
        configuration.options.minimumConnections = 0
        configuration.options.connectionIdleTimeout = idleTimeout
        return configuration
    }

    public convenience init(database: DatabaseSettings, logger: Logger) {
        let probe = database.dedicatedConnection(connectTimeout: .seconds(1))
        let configuration = Self.configuration(database)
        self.init(
            makePool: { PostgresClient(configuration: configuration, backgroundLogger: logger) },
            databaseAnswers: {
                guard
                    let connection = try? await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
                else { return false }
                try? await connection.close()
                return true
            }, logger: logger)
    }

    /// - Parameters:
    ///   - makePool: makes the pools: the first one, and the standbys, which replace the current one in turn.
    ///   - databaseAnswers: whether a connection of its own can be opened now.
    init(
        makePool: @escaping @Sendable () -> any Source,
        databaseAnswers: @escaping @Sendable () async -> Bool, logger: Logger
    ) {
        self.makePool = makePool
        self.databaseAnswers = databaseAnswers
        self.logger = logger
        self.state = Mutex(State(current: Pool(client: makePool()), standby: Pool(client: makePool())))
    }

    /// How many times the pool was swapped for a fresh one.
    public var swaps: Int { state.withLock { $0.generation } }

    /// Leases asked for and not yet granted or given up.
    var waitingLeases: Int { state.withLock { $0.waitingSince.count } }

    public func withConnection<T: Sendable>(
        _ body: nonisolated(nonsending) (PostgresConnection) async throws -> T
    ) async throws -> T {
        var closedLeases = 0
        while true {
            let (client, generation, ticket) = state.withLock { state in
                state.nextTicket &+= 1
                state.waitingSince[state.nextTicket] = .now
                return (state.current.client, state.generation, state.nextTicket)
            }
            var ran = false
            do {
                try await untilRunning(ticket)
                return try await client.withConnection { connection in
                    if connection.isClosed {
                        // Closed before the pool saw it: handed back once the close is complete (the
                        // pool has seen it then, and will not lend it again), and another one leased.
                        state.withLock { _ = $0.waitingSince.removeValue(forKey: ticket) }
                        try? await connection.closeFuture.get()
                        throw Unused.closed
                    }
                    try state.withLock { state in
                        state.waitingSince[ticket] = nil
                        guard state.generation == generation else { throw Unused.replaced }
                        state.inUse += 1
                        state.outageSeen = false
                    }
                    ran = true
                    defer { state.withLock { $0.inUse -= 1 } }
                    return try await body(connection)
                }
            } catch {
                // No longer waiting, whatever happened (a lease given up still waiting, say at its
                // command's deadline, must not look stalled for ever).
                let swapped = state.withLock { state in
                    state.waitingSince[ticket] = nil
                    return state.generation != generation
                }
                guard !ran else { throw error }
                let unused = (error as? Unused).map { UnitOfWorkError.unavailable($0.description) }
                guard !Task.isCancelled else { throw unused ?? error }
                // Refused or handed back by a pool closed meanwhile: nothing ran, ask the fresh one.
                if swapped { continue }
                if case Unused.closed = error, closedLeases < 3 {
                    closedLeases += 1
                    continue
                }
                throw unused ?? error
            }
        }
    }

    /// Runs the pools and the watcher until a graceful shutdown, then closes the pools.
    public func run() async {
        state.withLock { state in
            state.current.running = Self.start(state.current.client) { self.opened() }
            state.standby.running = Self.start(state.standby.client)
        }
        await cancelWhenGracefulShutdown { await self.watch() }
        let running = state.withLock { [$0.current.running, $0.standby.running] }
        for task in running {
            task?.cancel()
            await task?.value
        }
    }

    /// Runs `client` in a task of its own; `started` is called in that task just before `run()`,
    /// with nothing between them that could suspend.
    private static func start(_ client: any Source, started: @escaping @Sendable () -> Void = {})
        -> Task<Void, Never>
    {
        Task {
            started()
            await client.run()
        }
    }

    /// Waits until the first pool runs. The service's other parts start alongside this pool and
    /// may ask for a connection first: PostgresNIO then queues the lease, but warns that `run()`
    /// has not been called, in every log of a busy start. Cancellable: a lease given up at its
    /// command's deadline stops waiting here too.
    private func untilRunning(_ ticket: Int) async throws {
        guard !state.withLock({ $0.running }) else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
                // Cancelled before this registration, the handler found nothing to end: look again.
                let (running, cancelled) = state.withLock { state in
                    if !state.running && !Task.isCancelled { state.beforeRunning[ticket] = waiter }
                    return (state.running, Task.isCancelled)
                }
                if running {
                    waiter.resume()
                } else if cancelled {
                    waiter.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            state.withLock { $0.beforeRunning.removeValue(forKey: ticket) }?.resume(throwing: CancellationError())
        }
    }

    /// The first pool is about to run: the leases waiting for it go ahead.
    private func opened() {
        let waiting = state.withLock { state in
            state.running = true
            defer { state.beforeRunning = [:] }
            return Array(state.beforeRunning.values)
        }
        for waiter in waiting { waiter.resume() }
    }

    private func watch() async {
        while (try? await Task.sleep(for: Self.checkInterval)) != nil {
            guard stalled() else { continue }
            if await databaseAnswers() {
                swap()
            } else {
                state.withLock { $0.outageSeen = true }
            }
        }
    }

    private func stalled() -> Bool {
        state.withLock { state in
            guard state.inUse == 0, let oldest = state.waitingSince.values.min() else { return false }
            return oldest.duration(to: .now) >= Self.stall
        }
    }

    private func swap() {
        let fresh = Pool(client: makePool())
        let closed: Task<Void, Never>? = state.withLock { state in
            // Only after an outage: a database that is merely slow to connect to (a busy host, a
            // remote link) keeps leases waiting too, and a fresh pool would not connect sooner. And
            // not when a lease was granted since the check: that pool works after all.
            guard state.outageSeen, state.inUse == 0 else { return nil }
            let closed = state.current.running
            state.current = state.standby
            state.standby = fresh
            state.standby.running = Self.start(fresh.client)
            state.generation += 1
            state.outageSeen = false
            // Those leases ask again, and wait afresh, in the fresh pool.
            state.waitingSince = [:]
            return closed
        }
        guard let closed else { return }
        logger.warning("The database is back but the pool has not noticed: swapped it for a fresh one")
        closed.cancel()
    }
}

extension PostgresClient: DatabasePool.Source {}
