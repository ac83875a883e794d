import CommandService
import Contracts
import Foundation
import PostgresNIO
import Synchronization
import TestSupport
import Testing

/// The command socket over real ZeroMQ and PostgreSQL: replies, positions, exactly-once, concurrency
/// and graceful shutdown (docs/PROTOCOL.md §2–§6).
@Suite struct CommandServerTests {
    @Test func repliesCarryOutcomesAndPositions() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let client = try TestDealer(app.commandEndpoint)
                let created = try await client.send(Wire.createBatch("c1", ref: "b1", sku: "LAMP", qty: 10))
                #expect(created == .ok(commandID: "c1", result: .batchCreated, position: 1))

                let allocated = try await client.send(Wire.allocate("c2", order: "o1", sku: "LAMP", qty: 4))
                #expect(allocated == .ok(commandID: "c2", result: .allocated(to: "b1"), position: 2))

                // The same line again, under a new id: nothing changes, so no event and no position.
                let again = try await client.send(Wire.allocate("c3", order: "o1", sku: "LAMP", qty: 4))
                #expect(again == .ok(commandID: "c3", result: .allocated(to: "b1"), position: nil))

                // Out of stock is an outcome, with its event.
                let tooMany = try await client.send(Wire.allocate("c4", order: "o2", sku: "LAMP", qty: 7))
                #expect(tooMany == .ok(commandID: "c4", result: .outOfStock, position: 3))

                let unknown = try await client.send(Wire.allocate("c5", order: "o3", sku: "NOPE", qty: 1))
                #expect(unknown.status == .rejected)
                #expect(unknown.error?.code == .invalidSKU)
                #expect(unknown.commandID == "c5" && unknown.position == nil)

                // A REQ socket's delimiter comes back in front of the reply.
                let framed = try await client.exchange(
                    [[], Array(Wire.allocate("c6", order: "o4", sku: "LAMP", qty: 1).utf8)])
                #expect(framed.count == 2 && framed[0].isEmpty)
                #expect(
                    try TestDealer.reply(Array(framed.dropFirst()))
                        == .ok(commandID: "c6", result: .allocated(to: "b1"), position: 4))
            }
        }
    }

    @Test func aRetryGetsTheFirstReplyAndHasNoSecondEffect() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let client = try TestDealer(app.commandEndpoint)
                _ = try await client.send(Wire.createBatch("setup", ref: "b1", sku: "DESK", qty: 10))
                let request = Wire.allocate("retry-me", order: "o1", sku: "DESK", qty: 3)
                let first = try await client.send(request)
                #expect(first == .ok(commandID: "retry-me", result: .allocated(to: "b1"), position: 2))

                // In between, other commands move the head on; the retry still says position 2.
                _ = try await client.send(Wire.allocate("other", order: "o2", sku: "DESK", qty: 1))
                let second = try await client.send(request)
                #expect(second == first)

                // Several clients retrying the same new request at once: one effect, one answer.
                let racing = Wire.allocate("raced", order: "o3", sku: "DESK", qty: 2)
                let replies = try await withThrowingTaskGroup(of: CommandReply.self) { group in
                    for _ in 0..<6 {
                        group.addTask { try await TestDealer(app.commandEndpoint).send(racing) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(Set(replies).count == 1, "\(replies)")
                #expect(replies.first?.status == .ok)

                // The same for a command whose second run would be refused (duplicate_batch): every
                // attempt gets the first attempt's answer.
                let creating = Wire.createBatch("create-raced", ref: "b2", sku: "DESK", qty: 5)
                let created = try await withThrowingTaskGroup(of: CommandReply.self) { group in
                    for _ in 0..<6 {
                        group.addTask { try await TestDealer(app.commandEndpoint).send(creating) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(Set(created) == [.ok(commandID: "create-raced", result: .batchCreated, position: 5)])

                #expect(try await ServiceHarness.scalar(url, "SELECT count(*) FROM event_log") == 5)
                #expect(try await ServiceHarness.scalar(url, "SELECT count(*) FROM allocations") == 3)
                #expect(
                    try await ServiceHarness.scalar(url, "SELECT sum(allocated_quantity)::bigint FROM batches") == 6)
            }
        }
    }

    @Test func reusingACommandIDForAnotherRequestIsAConflict() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let client = try TestDealer(app.commandEndpoint)
                _ = try await client.send(Wire.createBatch("c1", ref: "b1", sku: "SOFA", qty: 10))
                _ = try await client.send(Wire.allocate("c2", order: "o1", sku: "SOFA", qty: 1))

                let reused = try await client.send(Wire.allocate("c2", order: "o1", sku: "SOFA", qty: 2))
                #expect(reused.status == .error)
                #expect(reused.error?.code == .commandIDConflict)
                #expect(reused.error?.retryable == false)
                #expect(reused.commandID == "c2")

                // Key order, unknown fields, and an absent schema_version do not make another request.
                let same =
                    #"{"payload": {"qty": 1.0, "sku": "SOFA", "orderid": "o1", "note": "x"}, "#
                    + #""type": "Allocate", "command_id": "c2"}"#
                #expect(
                    try await client.send(same) == .ok(commandID: "c2", result: .allocated(to: "b1"), position: 2))

                #expect(try await ServiceHarness.scalar(url, "SELECT count(*) FROM event_log") == 2)
                #expect(try await ServiceHarness.scalar(url, "SELECT allocated_quantity FROM batches") == 1)
            }
        }
    }

    @Test func aRejectedCommandIsNotRememberedSoARetryIsEvaluatedAfresh() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let client = try TestDealer(app.commandEndpoint)
                let request = Wire.allocate("early", order: "o1", sku: "CHAIR", qty: 2)
                let rejected = try await client.send(request)
                #expect(rejected.status == .rejected && rejected.error?.code == .invalidSKU)
                #expect(try await ServiceHarness.scalar(url, "SELECT count(*) FROM processed_commands") == 0)

                _ = try await client.send(Wire.createBatch("stock", ref: "b1", sku: "CHAIR", qty: 5))
                #expect(
                    try await client.send(request)
                        == .ok(commandID: "early", result: .allocated(to: "b1"), position: 2))
            }
        }
    }

    @Test func manyClientsOnManyProductsAtOnce() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let products = 8
                let ordersPerProduct = 12
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for product in 0..<products {
                        group.addTask {
                            let client = try TestDealer(app.commandEndpoint)
                            let reply = try await client.send(
                                Wire.createBatch(
                                    "create-\(product)", ref: "b\(product)", sku: "SKU-\(product)", qty: 100))
                            guard reply.status == .ok else { throw HarnessError("\(reply)") }
                        }
                    }
                    try await group.waitForAll()
                }
                let replies = try await withThrowingTaskGroup(of: [CommandReply].self) { group in
                    for client in 0..<16 {
                        group.addTask {
                            let dealer = try TestDealer(app.commandEndpoint)
                            var replies: [CommandReply] = []
                            for order in 0..<(products * ordersPerProduct / 16) {
                                let n = client * 1000 + order
                                replies.append(
                                    try await dealer.send(
                                        Wire.allocate("a-\(n)", order: "o-\(n)", sku: "SKU-\(n % products)", qty: 1)))
                            }
                            return replies
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(replies.count == products * ordersPerProduct)
                let refused = replies.filter { $0.status != .ok || $0.result?.outcome != .allocated }
                #expect(refused.isEmpty, "\(refused)")
                let positions = replies.compactMap(\.position).sorted()
                #expect(positions == Array((products + 1)...(products + products * ordersPerProduct)))
            }
        }
    }

    @Test func shutdownFinishesCommandsInFlightAndRefusesNewOnes() async throws {
        try await ServiceHarness.withDatabase { url in
            // The command in flight waits on the lock while the test shuts the service down and sends
            // another: on a busy machine that may take longer than the harness's command timeout, and
            // a command past its timeout is answered `unavailable`, not finished.
            try await ServiceHarness.withService(url, configure: { $0.commandTimeout = .seconds(120) }) { app in
                let client = try TestDealer(app.commandEndpoint)
                _ = try await client.send(Wire.createBatch("c1", ref: "b1", sku: "BED", qty: 10))

                try await TestDatabase.withClient(url, maximumConnections: 2) { database in
                    try await database.withConnection { blocker in
                        // Hold the product's row lock, so the next command on it waits inside the service.
                        try await blocker.query("BEGIN", logger: ServiceHarness.logger)
                        try await blocker.query(
                            "SELECT * FROM products WHERE sku = 'BED' FOR UPDATE", logger: ServiceHarness.logger)
                        try client.socket.send([Array(Wire.allocate("in-flight", order: "o1", sku: "BED", qty: 1).utf8)]
                        )
                        _ = try await eventually("the command waits for the lock") {
                            try await Self.waitingOnLocks(database) > 0 ? true : nil
                        }

                        await app.shutdown()
                        _ = try await eventually("the service stops taking commands") {
                            app.state.phase == .shuttingDown ? true : nil
                        }
                        let late = try await TestDealer(app.commandEndpoint).command(
                            Wire.allocate("late", order: "o2", sku: "BED", qty: 1))
                        #expect(late.status == .error && late.error?.code == .shuttingDown)
                        #expect(late.error?.retryable == true && late.commandID == "late")

                        try await blocker.query("COMMIT", logger: ServiceHarness.logger)
                    }
                }
                let finished = try TestDealer.reply(try await client.socket.receive(timeout: .seconds(15)))
                #expect(finished == .ok(commandID: "in-flight", result: .allocated(to: "b1"), position: 2))
            }
            #expect(try await ServiceHarness.scalar(url, "SELECT count(*) FROM processed_commands") == 2)
        }
    }

    static func waitingOnLocks(_ client: PostgresClient) async throws -> Int {
        var count = 0
        for try await value in try await client.query(
            """
            SELECT count(*)::bigint FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
            """,
            logger: ServiceHarness.logger
        ).decode(Int.self) { count = value }
        return count
    }
}
