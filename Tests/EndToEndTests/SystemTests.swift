import Contracts
import Foundation
import Messaging
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The whole system as a black box: PostgreSQL, `cosmic-command`, one or two `cosmic-query` processes
/// and the `cosmic` CLI, on free ports, every process stopped and every file removed at the end.
@Suite(.serialized) struct SystemTests {
    // MARK: (a) the book's three end-to-end scenarios

    @Test func theBooksScenariosAreVisibleInTheReadModel() async throws {
        try await withSystem { command, directory in
            let query = try await QueryProcess.launch(command: command, directory: directory)
            defer { query.kill() }
            let client = try Dealer(command.commandEndpoint)

            // Happy path: allocate, then read at least at the reply's position.
            let sku = "RED-CHAIR"
            _ = try await client.commandWhenServing(Request.createBatch("h1", ref: "batch-1", sku: sku, qty: 100))
            let allocated = try await client.command(Request.allocate("h2", order: "order-1", sku: sku, qty: 10))
            #expect(allocated.result == .allocated(to: "batch-1"))
            let position = try #require(allocated.position)
            #expect(
                try await query.allocations("order-1", minPosition: position) == [.init(sku: sku, batchref: "batch-1")])

            // Unhappy path: an invalid sku is rejected and nothing becomes visible.
            let rejected = try await client.command(Request.allocate("u1", order: "order-2", sku: "NOPE", qty: 10))
            #expect(rejected.status == .rejected)
            #expect(rejected.error?.code == .invalidSKU)
            #expect(rejected.position == nil)
            let head = try await command.publishedHead()
            #expect(try await query.allocations("order-2", minPosition: head) == nil)

            // A quantity change below what is allocated moves the line to the other batch.
            let lamp = "SMALL-LAMP"
            _ = try await client.command(Request.createBatch("r1", ref: "in-stock", sku: lamp, qty: 50))
            _ = try await client.command(Request.shipment("r2", ref: "shipment", sku: lamp, qty: 50, eta: "2026-12-24"))
            let first = try await client.command(Request.allocate("r3", order: "order-3", sku: lamp, qty: 20))
            #expect(first.result == .allocated(to: "in-stock"))
            #expect(
                try await query.allocations("order-3", minPosition: first.position) == [
                    .init(sku: lamp, batchref: "in-stock")
                ])
            let changed = try await client.command(Request.changeQuantity("r4", ref: "in-stock", qty: 5))
            #expect(changed.result == .quantityChanged)
            let moved = try await eventually("order-3 moves to the shipment") {
                let rows = try await query.allocations("order-3", minPosition: changed.position)
                return rows?.first?.batchref == "shipment" ? rows : nil
            }
            #expect(moved == [.init(sku: lamp, batchref: "shipment")])
            let stock = try #require(try await query.stock(lamp))
            #expect(stock.purchased == 55)
            #expect(stock.allocated == 20)
        }
    }

    // MARK: (b) stopped while commands continue, then restarted

    @Test func aStoppedQueryServiceCatchesUpWhenRestarted() async throws {
        try await withSystem { command, directory in
            let skus = ["B-1", "B-2", "B-3"]
            let workload = Workload(endpoint: command.commandEndpoint)
            var expected = try await workload.createBatches(skus, quantity: 200, prefix: "b")
            let first = try await QueryProcess.launch(command: command, directory: directory)
            defer { first.kill() }
            expected.merge(try await workload.allocate(skus, workers: 2, perWorker: 10, prefix: "before"))
            try await first.converges(to: expected, head: try await command.publishedHead())

            first.signal(SIGTERM)
            #expect(try await first.waitForExit() == 0, "\(first.log())")
            expected.merge(try await workload.allocate(skus, workers: 3, perWorker: 20, prefix: "while-down"))
            expected.merge(try await workload.createBatches(["B-4"], quantity: 7, prefix: "late"))

            let restarted = try await QueryProcess.launch(command: command, directory: directory)
            defer { restarted.kill() }
            expected.merge(try await workload.allocate(skus, workers: 1, perWorker: 5, prefix: "after"))
            try await restarted.converges(to: expected, head: try await command.publishedHead())
        }
    }

    // MARK: (c) started late and (d) two at once

    @Test func aLateQueryServiceAndAnEarlyOneConvergeToTheSameFigures() async throws {
        try await withSystem { command, directory in
            let skus = ["C-1", "C-2", "C-3", "C-4"]
            let workload = Workload(endpoint: command.commandEndpoint)
            let early = try await QueryProcess.launch(command: command, directory: directory, database: "early.sqlite")
            defer { early.kill() }
            var expected = try await workload.createBatches(skus, quantity: 30, prefix: "c")
            // Enough demand that some allocations end out of stock.
            expected.merge(try await workload.allocate(skus, workers: 4, perWorker: 20, prefix: "c"))
            let head = try await command.publishedHead()

            let late = try await QueryProcess.launch(command: command, directory: directory, database: "late.sqlite")
            defer { late.kill() }
            try await late.converges(to: expected, head: head)
            try await early.converges(to: expected, head: head)
            let earlyFigures = try await early.dashboardSKUs()
            #expect(earlyFigures.map(\.sku) == skus)
            #expect(try await late.dashboardSKUs() == earlyFigures)
        }
    }

    // MARK: (e) SIGKILL while catching up a backlog

    @Test func aQueryServiceKilledWhileCatchingUpAppliesNothingTwice() async throws {
        try await withSystem { command, directory in
            // About 600 events on eight SKUs (few version conflicts between the concurrent clients).
            let skus = (1...8).map { "E-\($0)" }
            let workload = Workload(endpoint: command.commandEndpoint)
            var expected = try await workload.createBatches(skus, quantity: 100_000, prefix: "e")
            expected.merge(try await workload.allocate(skus, workers: 8, perWorker: 75, prefix: "e"))
            let head = try await command.publishedHead()

            // Small batches make many transactions, so the kill lands between two of them or in one.
            // Its replay goes through a gate that serves only the first half of the log: the kill
            // always lands before the end of the backlog, whatever the timing.
            let folder = try EndpointFolder()
            defer { folder.remove() }
            let gate = try ReplayGate(forwardingTo: command.replayEndpoint, through: head / 2, folder: folder)
            defer { gate.close() }
            let victim = try await QueryProcess.launch(
                eventsEndpoints: [command.eventsEndpoint], replayEndpoints: [gate.endpoint], directory: directory,
                batchSize: 5)
            defer { victim.kill() }
            let checkpoint = try await eventually(
                "catch-up has begun", timeout: .seconds(30), interval: .milliseconds(5)
            ) {
                let checkpoint = try await victim.health().checkpoint
                return checkpoint > 0 ? checkpoint : nil
            }
            victim.signal(SIGKILL)
            #expect(try await victim.waitForExit() == SIGKILL)
            #expect(checkpoint < head, "the whole backlog (\(head)) was applied before the kill")

            let restarted = try await QueryProcess.launch(command: command, directory: directory)
            defer { restarted.kill() }
            try await restarted.converges(to: expected, head: head)
        }
    }

    // MARK: (f) the CLI against running services

    @Test func theCLIDrivesAndReadsTheSystem() async throws {
        try await withSystem { command, directory in
            let query = try await QueryProcess.launch(command: command, directory: directory)
            defer { query.kill() }
            _ = try await Dealer(command.commandEndpoint).commandWhenServing(
                Request.createBatch("f0", ref: "warmup", sku: "F-WARMUP", qty: 1))
            let global = [
                "--command-endpoint", command.commandEndpoint, "--events-endpoint", command.eventsEndpoint,
                "--replay-endpoint", command.replayEndpoint, "--query-url", "http://127.0.0.1:\(query.httpPort)",
                "--timeout", "30",
            ]
            func cosmic(_ arguments: [String]) async throws -> (status: Int32, output: String) {
                try await Executables.run("cosmic", arguments)
            }

            let added = try await cosmic(["add-batch", "f-batch", "F-SOFA", "10"] + global)
            #expect(added.status == 0, "\(added.output)")
            let allocated = try await cosmic(["allocate", "f-order", "F-SOFA", "3"] + global)
            #expect(allocated.status == 0, "\(allocated.output)")
            #expect(allocated.output.contains("f-batch"))
            let unknown = try await cosmic(["allocate", "f-other", "F-UNKNOWN", "3"] + global)
            #expect(unknown.status == 1, "\(unknown.output)")

            let head = try await command.publishedHead()
            _ = try await eventually("the order is projected") {
                try await query.health().checkpoint >= head ? true : nil
            }
            let listed = try await cosmic(["allocations", "f-order", "--json"] + global)
            #expect(listed.status == 0, "\(listed.output)")
            let rows = try JSONDecoder().decode([AllocationRow].self, from: Data(listed.output.utf8))
            #expect(rows == [.init(sku: "F-SOFA", batchref: "f-batch")])

            command.signal(SIGTERM)
            #expect(try await command.waitForExit() == 0)
            var offline = global
            offline[offline.firstIndex(of: "--timeout")! + 1] = "1"
            let started = ContinuousClock.now
            let unavailable = try await cosmic(["allocate", "f-late", "F-SOFA", "1"] + offline)
            let elapsed = ContinuousClock.now - started
            #expect(unavailable.status == 3, "\(unavailable.output)")
            // Bounded by the timeout, not hanging: generous, as a busy machine may stall the run for seconds.
            #expect(elapsed < .seconds(30), "took \(elapsed) with --timeout 1")
        }
    }
}

extension Request {
    static func shipment(_ id: String, ref: String, sku: String, qty: Int, eta: String) -> String {
        #"{"command_id": "\#(id)", "type": "CreateBatch", "#
            + #""payload": {"ref": "\#(ref)", "sku": "\#(sku)", "qty": \#(qty), "eta": "\#(eta)"}}"#
    }

    static func changeQuantity(_ id: String, ref: String, qty: Int) -> String {
        #"{"command_id": "\#(id)", "type": "ChangeBatchQuantity", "payload": {"ref": "\#(ref)", "qty": \#(qty)}}"#
    }
}
