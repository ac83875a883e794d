import Contracts
import Foundation
import Messaging
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// A temporary directory, removed with everything in it when `body` ends (also on failure).
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cosmic-system-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// Runs `body` with a fresh database, a command service running on it and a temporary directory;
/// the service is stopped and the directory removed when `body` ends.
func withSystem(_ body: (CommandProcess, URL) async throws -> Void) async throws {
    try await TestDatabase.withFreshDatabase { url in
        try await withTemporaryDirectory { directory in
            let command = try await CommandProcess.launch(databaseURL: url)
            defer { command.kill() }
            try await body(command, directory)
        }
    }
}

/// `withSystem` with one query service following the command service.
func withSystemAndQuery(_ body: (CommandProcess, QueryProcess) async throws -> Void) async throws {
    try await withSystem { command, directory in
        let query = try await QueryProcess.launch(command: command, directory: directory)
        defer { query.kill() }
        try await body(command, query)
    }
}

/// `withSystemAndQuery` in secure mode. `makeKeys` writes `command.key`, `query.key` and `allow-list`
/// (and the clients' keys) into the folder it is given; by default as `scripts/run` keys a local run
/// (its own `make_local_keys`). `body` also gets the key folder, the CLI's `COSMIC_KEY_DIR`.
func withSecureSystemAndQuery(
    makeKeys: (String) async throws -> Void = { try await LocalKeys.make(in: $0) },
    _ body: (CommandProcess, QueryProcess, String) async throws -> Void
) async throws {
    try await TestDatabase.withFreshDatabase { url in
        try await withTemporaryDirectory { directory in
            let keys = directory.appendingPathComponent("keys").path
            try await makeKeys(keys)
            let command = try await CommandProcess.launch(
                databaseURL: url,
                arguments: ["--key-file", keys + "/command.key", "--allow-list", keys + "/allow-list"])
            defer { command.kill() }
            let query = try await QueryProcess.launch(
                eventsEndpoints: [command.eventsEndpoint], replayEndpoints: [command.replayEndpoint],
                directory: directory,
                arguments: ["--key-file", keys + "/query.key", "--server-key-file", keys + "/command.pub"])
            defer { query.kill() }
            try await body(command, query, keys)
        }
    }
}

/// The keys and allow-list `scripts/run` makes, made by the same shell function.
enum LocalKeys {
    static func make(in folder: String) async throws {
        let lib = Executables.packageRoot.appendingPathComponent("scripts/lib.sh").path
        let made = try await Executables.run(
            URL(fileURLWithPath: "/bin/bash"),
            ["-c", "source \"$0\" && make_local_keys \"$1\" \"$2\"", lib, folder, try Executables.url("cosmic").path],
            withStandardError: true)
        guard made.status == 0, FileManager.default.fileExists(atPath: folder + "/allow-list") else {
            throw ProcessTestError("make_local_keys failed: \(made.output)")
        }
    }
}

/// One `cosmic-query` process, its SQLite database and log in `directory`, its HTTP server on a
/// port the system gives it (read back from its log).
final class QueryProcess: Sendable {
    let httpPort: Int
    let databasePath: String
    private let child: ChildProcess

    /// Starts it, following one command instance, and waits until its HTTP server listens.
    static func launch(
        command: CommandProcess, directory: URL, database: String = "query.sqlite", batchSize: Int? = nil
    ) async throws -> QueryProcess {
        try await launch(commands: [command], directory: directory, database: database, batchSize: batchSize)
    }

    /// Following several command instances on one database (their endpoints as comma-separated lists).
    static func launch(
        commands: [CommandProcess], directory: URL, database: String = "query.sqlite", batchSize: Int? = nil
    ) async throws -> QueryProcess {
        try await launch(
            eventsEndpoints: commands.map(\.eventsEndpoint), replayEndpoints: commands.map(\.replayEndpoint),
            directory: directory, database: database, batchSize: batchSize)
    }

    /// Following the given endpoints (e.g. a command instance's events and a stand-in for its replay).
    static func launch(
        eventsEndpoints: [String], replayEndpoints: [String], directory: URL, database: String = "query.sqlite",
        batchSize: Int? = nil, arguments: [String] = []
    ) async throws -> QueryProcess {
        try await QueryProcess(
            eventsEndpoints: eventsEndpoints, replayEndpoints: replayEndpoints,
            databasePath: directory.appendingPathComponent(database).path,
            logFile: directory.appendingPathComponent("query-\(UUID()).log"), batchSize: batchSize,
            arguments: arguments)
    }

    private init(
        eventsEndpoints: [String], replayEndpoints: [String], databasePath: String, logFile: URL, batchSize: Int?,
        arguments: [String]
    ) async throws {
        self.databasePath = databasePath
        child = try ChildProcess(
            "cosmic-query",
            arguments: [
                "serve", "--events-endpoint", eventsEndpoints.joined(separator: ","),
                "--replay-endpoint", replayEndpoints.joined(separator: ","),
                "--database", databasePath, "--http-address", "127.0.0.1:0", "--log-level", "info",
            ] + (batchSize.map { ["--batch-size", "\($0)"] } ?? []) + arguments,
            // A read with min_position waits up to a minute, not 2 s: on a busy machine the events may
            // take longer than that to arrive, and a test that reads its own writes expects them. A test
            // about the 503 after the wait passes `--max-wait-ms` in `arguments` (the flag wins).
            environment: ["COSMIC_QUERY_MAX_WAIT_MS": "60000"],
            logFile: logFile)
        httpPort = try await child.waitForHTTPPort()
    }

    func signal(_ signal: Int32) { child.signal(signal) }
    func kill() { child.kill() }
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await child.waitForExit(timeout: timeout)
    }
    func log() -> String { child.log() }

    /// Status and body of `GET path`, whatever the status.
    func get(_ path: String) async throws -> (status: Int, body: Data) {
        // Longer than a read with min_position may wait (COSMIC_QUERY_MAX_WAIT_MS above).
        let request = URLRequest(url: URL(string: "http://127.0.0.1:\(httpPort)\(path)")!, timeoutInterval: 90)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    func health() async throws -> QuerySync { try decode(QuerySync.self, try await get("/health").body) }

    func stock(_ sku: String) async throws -> SKUFigures? {
        let (status, body) = try await get("/stock/\(sku)")
        return status == 404 ? nil : try decode(SKUFigures.self, body)
    }

    func dashboardSKUs() async throws -> [SKUFigures] {
        let (status, body) = try await get("/api/dashboard")
        guard status == 200 else { throw ProcessTestError("dashboard answered \(status)") }
        return try decode(Dashboard.self, body).skus
    }

    /// The book's allocations view, or nil on 404.
    func allocations(_ order: String, minPosition: Int? = nil) async throws -> [AllocationRow]? {
        let (status, body) = try await get("/allocations/\(order)" + (minPosition.map { "?min_position=\($0)" } ?? ""))
        if status == 404 { return nil }
        guard status == 200 else {
            throw ProcessTestError("allocations answered \(status): \(String(decoding: body, as: UTF8.self))")
        }
        return try decode([AllocationRow].self, body)
    }

    /// Waits until the checkpoint is `head`, then checks the stock of every SKU in `expected`.
    func converges(to expected: ExpectedStock, head: Int, timeout: Duration = .seconds(30)) async throws {
        _ = try await eventually("cosmic-query reaches head \(head)", timeout: timeout, interval: .milliseconds(50)) {
            try await self.health().checkpoint == head ? true : nil
        }
        #expect(try await health().checkpoint == head)
        for (sku, figures) in expected.skus.sorted(by: { $0.key < $1.key }) {
            let stock = try await self.stock(sku)
            #expect(stock?.purchased == figures.purchased, "purchased of \(sku)")
            #expect(stock?.allocated == figures.allocated, "allocated of \(sku)")
            #expect(stock?.available == figures.purchased - figures.allocated, "available of \(sku)")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: data)
    }
}

struct QuerySync: Decodable {
    var state: String
    var checkpoint: Int
    var head: Int
}

struct SKUFigures: Decodable, Equatable {
    var sku: String
    var purchased: Int
    var allocated: Int
    var available: Int
}

struct Dashboard: Decodable {
    var skus: [SKUFigures]
}

struct AllocationRow: Decodable, Equatable {
    var sku: String
    var batchref: String
}

/// What the accepted commands imply for each SKU, built from the command replies only.
struct ExpectedStock: Sendable {
    struct Figures: Sendable, Equatable {
        var purchased = 0
        var allocated = 0
    }
    var skus: [String: Figures] = [:]

    mutating func merge(_ other: ExpectedStock) {
        for (sku, figures) in other.skus {
            skus[sku, default: Figures()].purchased += figures.purchased
            skus[sku, default: Figures()].allocated += figures.allocated
        }
    }
}

/// Drives the command service over DEALER sockets and keeps track of what its replies imply.
struct Workload {
    let endpoint: String

    /// Sends `json` again, with the same command id, while the reply is a retryable error (a version
    /// conflict between concurrent clients that outlasted the service's own retries).
    static func retrying(_ client: Dealer, _ json: String) async throws -> CommandReply {
        var reply = try await client.command(json)
        for _ in 0..<10 where reply.error?.retryable == true {
            reply = try await client.command(json)
        }
        return reply
    }

    /// Creates one warehouse batch of `quantity` for each SKU.
    func createBatches(_ skus: [String], quantity: Int, prefix: String) async throws -> ExpectedStock {
        let client = try Dealer(endpoint)
        var expected = ExpectedStock()
        for sku in skus {
            let reply = try await client.commandWhenServing(
                Request.createBatch("\(prefix)-c-\(sku)", ref: "\(prefix)-b-\(sku)", sku: sku, qty: quantity))
            guard reply.status == .ok else { throw ProcessTestError("CreateBatch \(sku): \(reply)") }
            expected.skus[sku, default: .init()].purchased += quantity
        }
        return expected
    }

    /// `workers` clients at once, each sending `perWorker` allocations of 1..3 units spread over `skus`.
    func allocate(_ skus: [String], workers: Int, perWorker: Int, prefix: String) async throws -> ExpectedStock {
        try await withThrowingTaskGroup(of: ExpectedStock.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    let client = try Dealer(endpoint)
                    var expected = ExpectedStock()
                    for n in 0..<perWorker {
                        let sku = skus[(worker + n) % skus.count]
                        let qty = 1 + n % 3
                        let id = "\(prefix)-\(worker)-\(n)"
                        let reply = try await Self.retrying(
                            client, Request.allocate(id, order: "o-\(id)", sku: sku, qty: qty))
                        guard reply.status == .ok else { throw ProcessTestError("Allocate \(id): \(reply)") }
                        if reply.result?.outcome == .allocated { expected.skus[sku, default: .init()].allocated += qty }
                    }
                    return expected
                }
            }
            var total = ExpectedStock()
            for try await part in group { total.merge(part) }
            return total
        }
    }
}

extension CommandProcess {
    /// The head of the event log once everything is published, from the command service's /health.
    func publishedHead() async throws -> Int {
        try await eventually("cosmic-command publishes everything", timeout: .seconds(30)) {
            let report = try await self.health()
            return report["unpublished"] as? Int == 0 ? report["head"] as? Int : nil
        }
    }
}

/// Stands in for a command instance's replay socket: forwards the requests from positions up to
/// `through` to the real one and leaves the others unanswered, so a reader catching up stops there,
/// however fast it is or slow the test, until the test lets it go on (or kills it).
final class ReplayGate: Sendable {
    let endpoint: String
    private let router: OwnedSocket
    private let forwarding: Task<Void, Never>

    init(forwardingTo upstream: String, through position: Int, folder: EndpointFolder) throws {
        endpoint = folder.endpoint("replay-gate")
        let router = try OwnedSocket(context: testContext, kind: .router, bind: [endpoint])
        let dealer = try Dealer(upstream)
        forwarding = Task {
            // One request at a time: the stand-in need not be fast, only faithful.
            for await frames in router.messages {
                guard frames.count == 2, case .success(let request) = ReplayCodec.decodeRequest(frames[1]),
                    request.from <= position, let reply = try? await dealer.exchange([frames[1]])
                else { continue }
                try? router.send([frames[0]] + reply)
            }
        }
        self.router = router
    }

    deinit { close() }

    func close() {
        router.close()
        forwarding.cancel()
    }
}
