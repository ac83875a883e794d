import Contracts
import Foundation
import GRDB
import Logging
import QueryService
import ServiceLifecycle
import TestSupport
import Testing

/// A temporary folder for one test's SQLite files, removed by `remove()`.
struct Sandbox: Sendable {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cosmic-query-tests-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Removes the folder; tries again once, in case a child process was still closing a file in it.
    func remove() {
        if (try? FileManager.default.removeItem(at: directory)) == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}

/// Runs `body` with a fresh sandbox and removes it afterwards, whatever happens.
func withSandbox<T>(_ body: (Sandbox) async throws -> T) async throws -> T {
    let sandbox = try Sandbox()
    defer { sandbox.remove() }
    return try await body(sandbox)
}

/// Runs `body` with a fake command service, stopped afterwards.
func withUpstream<T>(heartbeatInterval: Duration = .milliseconds(100), _ body: (FakeUpstream) async throws -> T)
    async throws -> T
{
    let upstream = try FakeUpstream(heartbeatInterval: heartbeatInterval)
    defer { upstream.stop() }
    return try await body(upstream)
}

/// Settings for tests: an HTTP port picked by the OS, short retries, and long timeouts wherever a
/// timeout firing on a busy machine would change what a test sees. The fake upstream answers every
/// replay request it does not hold and heartbeats every 100 ms, so a replay timeout or a silence
/// could only come from a stalled test process, and then a reconnect, a retry or a `disconnected`
/// state would add replay requests or states the tests do not expect (CI once saw the dashboard's
/// state `disconnected` right after catching up, with a one-second silence timeout). A test about
/// one of these timeouts sets a short one itself.
func testConfiguration(_ upstream: FakeUpstream, database: String) -> QueryConfiguration {
    QueryConfiguration(
        eventsEndpoint: upstream.eventsEndpoint, replayEndpoint: upstream.replayEndpoint, databasePath: database,
        httpHost: "127.0.0.1", httpPort: 0, batchSize: 100, readYourWritesMaxWait: .seconds(30),
        silenceTimeout: .seconds(10), replayTimeout: .seconds(30), maxRetryDelay: .milliseconds(200),
        healthyLag: 50)
}

/// A query service running under a ServiceGroup, as the executable runs it.
struct RunningService: Sendable {
    let service: QueryService
    let port: Int

    var sync: SyncState { service.sync }
    var store: ProjectionStore { service.store }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> HTTPClient.Reply {
        try await HTTPClient.get(port: port, path, headers: headers)
    }

    /// Waits until the store follows event log `log` (adopted from a heartbeat or a welcome).
    func waitForLog(_ log: String, timeout: Duration = .seconds(20)) async throws {
        _ = try await eventually("following log \(log)", timeout: timeout) {
            try await store.log() == log ? true : nil
        }
    }

    /// Waits until the checkpoint reaches `position`.
    func waitForCheckpoint(_ position: Int, timeout: Duration = .seconds(20)) async throws {
        _ = try await eventually("checkpoint \(position) (at \(sync.status.checkpoint))", timeout: timeout) {
            sync.status.checkpoint >= position ? true : nil
        }
    }
}

/// Starts a query service, runs `body`, then shuts it down gracefully and waits until it stopped.
func withService<T: Sendable>(
    _ configuration: QueryConfiguration, _ body: @Sendable (RunningService) async throws -> T
) async throws -> T {
    var logger = Logger(label: "query-test")
    logger.logLevel = .critical
    let service = try QueryService(configuration: configuration, logger: logger)
    let group = ServiceGroup(services: [service], logger: logger)
    let running = Task { try await group.run() }
    do {
        let port = await service.listeningPort()
        guard port > 0 else {
            try await running.value
            throw HTTPClient.Failure(description: "the query service stopped before listening")
        }
        let result = try await body(RunningService(service: service, port: port))
        await group.triggerGracefulShutdown()
        try await running.value
        return result
    } catch {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        throw error
    }
}

/// A second connection to a query service's database, as another process would open it: when the
/// service holds the write lock (applying a batch, checkpointing the WAL) it waits for the lock,
/// bounded, instead of failing at once with "database is locked" (GRDB's default), which made the
/// tests that write beside a running service depend on the moment they wrote.
func secondWriter(_ path: String, holdingLocksAcrossAccesses: Bool = false) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.busyMode = .timeout(30)
    configuration.allowsUnsafeTransactions = holdingLocksAcrossAccesses
    return try DatabaseQueue(path: path, configuration: configuration)
}

/// Applies `payloads` straight to a fresh store (no sockets): the reference a test compares with.
func referenceStore(_ payloads: [EventPayload], at path: String) async throws -> ProjectionStore {
    let store = try ProjectionStore(path: path)
    let events = payloads.enumerated().map { History.envelope(position: $0.offset + 1, payload: $0.element) }
    try await store.apply(events)
    return store
}
