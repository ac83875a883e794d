import CommandService
import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

/// The outbox relay over real PostgreSQL and ZeroMQ: every event published once, in position order,
/// heartbeats with the head, a backlog published when a relay starts, and one leader among several.
@Suite struct RelayTests {
    @Test func publishesEveryEventOnceInPositionOrderWithHeartbeats() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let subscriber = try TestSubscriber(app.eventsEndpoint)
                // A heartbeat proves the subscription reached the publisher (PUB drops what came before).
                _ = try await subscriber.collect { _, heartbeats in !heartbeats.isEmpty }

                let skus = 4
                let total = try await withThrowingTaskGroup(of: Int.self) { group in
                    for product in 0..<skus {
                        group.addTask {
                            let client = try TestDealer(app.commandEndpoint)
                            var events = 0
                            _ = try await client.send(
                                Wire.createBatch("c-\(product)", ref: "b-\(product)", sku: "S\(product)", qty: 10))
                            events += 1
                            for order in 0..<12 {  // 10 allocate, 2 run out of stock
                                _ = try await client.send(
                                    Wire.allocate(
                                        "a-\(product)-\(order)", order: "o\(order)", sku: "S\(product)", qty: 1))
                                events += 1
                            }
                            return events
                        }
                    }
                    return try await group.reduce(0, +)
                }

                let seen = try await subscriber.collect { events, heartbeats in
                    events.count >= total && (heartbeats.last?.head ?? 0) >= total
                }
                #expect(seen.events.map(\.position) == Array(1...total))
                #expect(Set(seen.events.map(\.eventID)).count == total)
                #expect(seen.heartbeats.last?.head == total)
                // Heartbeats never claim less than what was already published before them.
                #expect(seen.heartbeats.map(\.head) == seen.heartbeats.map(\.head).sorted())

                // One product's events keep their order, as versions show.
                for product in 0..<skus {
                    let versions = seen.events.filter { $0.aggregateID == "S\(product)" }.map(\.aggregateVersion)
                    #expect(versions == versions.sorted())
                }
                // Replay serves the same envelopes.
                let replayed = try await TestDealer(app.replayEndpoint).replayAll()
                #expect(replayed.events == seen.events)
                #expect(try await ServiceHarness.scalar(url, "SELECT published FROM event_relay") == total)

                // A quiet log still gets heartbeats at the relay's cadence (about every 500 ms).
                // Judged by the times the relay wrote in them, and by the shortest gap: a machine
                // busy with other tests can hold up the relay's database round trips for seconds
                // (CI once saw gaps of 0.5, 0.6, 3.0 and 3.4 s), but a relay that stopped, or whose
                // cadence was a second or more, never shows a gap under a second.
                func gaps(_ heartbeats: [Heartbeat]) -> [Double] {
                    let sent = heartbeats.map(\.time)
                    return zip(sent, sent.dropFirst()).map { $1.timeIntervalSince($0) }
                }
                let quiet = try await subscriber.collect(timeout: .seconds(60)) { _, heartbeats in
                    heartbeats.count >= 3 && gaps(heartbeats).contains { $0 < 1.0 }
                }
                #expect(quiet.heartbeats.allSatisfy { $0.head == total })
                #expect(
                    gaps(quiet.heartbeats).contains { $0 < 1.0 }, "gaps between heartbeats: \(gaps(quiet.heartbeats))")
            }
        }
    }

    /// The PUB socket and replay carry the same envelope, byte for byte (PROTOCOL §8), also for
    /// identifiers only the thorough encoder writes (non-ASCII, quotes, backslashes).
    @Test func publishedAndReplayedEnvelopesAreTheSameBytes() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { app in
                let subscriber = try TestSubscriber(app.eventsEndpoint)
                _ = try await subscriber.collect { _, heartbeats in !heartbeats.isEmpty }
                let dealer = try TestDealer(app.commandEndpoint)
                let skus = ["PLAIN-SKU", #"caf\u00e9 \"quoted\" back\\slash a/b"#, #"sofa \ud83d\udecb"#]
                for (index, sku) in skus.enumerated() {
                    _ = try await dealer.send(Wire.createBatch("c\(index)", ref: "b\(index)", sku: sku, qty: 1))
                    _ = try await dealer.send(Wire.allocate("a\(index)", order: "o-\(sku)", sku: sku, qty: 1))
                    _ = try await dealer.send(Wire.allocate("x\(index)", order: "x", sku: sku, qty: 5))
                }
                let total = skus.count * 3
                var published: [[UInt8]] = []
                while published.count < total {
                    let frames = try await subscriber.socket.receive(timeout: .seconds(15))
                    if String(decoding: frames[0], as: UTF8.self) != Topic.heartbeat { published.append(frames[1]) }
                }
                let page = try await TestDealer(app.replayEndpoint).exchange([Array(#"{"from": 1}"#.utf8)])
                var expected = Array(#"{"events":["#.utf8)
                expected += Array(published.joined(separator: Array(",".utf8)))
                expected += Array(#"],"head":\#(total)}"#.utf8)
                #expect(page == [expected])
                #expect(String(decoding: expected, as: UTF8.self).contains(#""aggregate_id":"sofa 🛋""#))
            }
        }
    }

    @Test func eventsCommittedButNotPublishedArePublishedWhenARelayLeads() async throws {
        try await ServiceHarness.withDatabase { url in
            let logger = ServiceHarness.logger
            try await TestDatabase.withClient(url) { client in
                try await Migrations.apply(on: client, logger: logger)
                let bus = Bootstrap.messageBus(
                    unitOfWork: PostgresUnitOfWorkFactory(client: client, logger: logger), logger: logger)
                let log = PostgresEventLog(client: client, logger: logger)
                // Before any service runs: committed events, some numbered, some not.
                _ = try await bus.handle(Self.createBatch("c0", "b1", "S", 100))
                for order in 0..<3 { _ = try await bus.handle(Self.allocate("a\(order)", "o\(order)", "S")) }
                try await log.sequence()
                for order in 3..<5 { _ = try await bus.handle(Self.allocate("a\(order)", "o\(order)", "S")) }

                try await client.withConnection { lockHolder in
                    // Holding the relay's lock keeps the service's relay from leading for now.
                    _ = try await lockHolder.query(
                        "SELECT pg_advisory_lock(\(OutboxRelay.leadershipLockKey))", logger: logger
                    ).collect()
                    try await ServiceHarness.withService(url) { app in
                        let subscriber = try TestSubscriber(app.eventsEndpoint)
                        // While it cannot lead, more commits: through the service, and around it, as by a
                        // process that died before numbering them.
                        let dealer = try TestDealer(app.commandEndpoint)
                        for order in 5..<8 {
                            let reply = try await dealer.send(
                                Wire.allocate("a\(order)", order: "o\(order)", sku: "S", qty: 1))
                            #expect(reply.position == order + 2)
                        }
                        for order in 8..<10 { _ = try await bus.handle(Self.allocate("a\(order)", "o\(order)", "S")) }
                        #expect(app.isRelayLeader == false)
                        #expect(try await ServiceHarness.scalar(url, "SELECT published FROM event_relay") == 0)

                        _ = try await lockHolder.query(
                            "SELECT pg_advisory_unlock(\(OutboxRelay.leadershipLockKey))", logger: logger
                        ).collect()
                        let seen = try await subscriber.collect { events, heartbeats in
                            events.count >= 11 && heartbeats.last?.head == 11
                        }
                        #expect(seen.events.map(\.position) == Array(1...11))
                        #expect(seen.events.map(\.type) == [.batchCreated] + Array(repeating: .allocated, count: 10))
                        #expect(seen.events.map(\.commandID) == ["c0"] + (0..<10).map { "a\($0)" })
                        #expect(try await ServiceHarness.scalar(url, "SELECT published FROM event_relay") == 11)
                    }
                }
            }
        }
    }

    @Test func onlyOneRelayPublishesAndAnotherTakesOverWhenItStops() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { first in
                let firstEvents = try TestSubscriber(first.eventsEndpoint)
                _ = try await eventually("the first relay leads") { first.isRelayLeader ? true : nil }
                _ = try await firstEvents.collect { _, heartbeats in !heartbeats.isEmpty }

                let second = try CommandServiceApp(
                    configuration: ServiceHarness.configuration(url), logger: ServiceHarness.logger)
                let secondEvents = try TestSubscriber(second.eventsEndpoint)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await second.run() }
                    defer { group.cancelAll() }
                    _ = try await eventually("the second serves") { second.state.phase == .serving ? true : nil }

                    // Commands through both instances; only the leader's socket carries events.
                    let viaFirst = try TestDealer(first.commandEndpoint)
                    let viaSecond = try TestDealer(second.commandEndpoint)
                    _ = try await viaFirst.send(Wire.createBatch("c1", ref: "b1", sku: "S", qty: 100))
                    for order in 0..<4 {
                        _ = try await viaSecond.send(
                            Wire.allocate("s\(order)", order: "o\(order)", sku: "S", qty: 1))
                    }
                    let published = try await firstEvents.collect { events, heartbeats in
                        events.count >= 5 && heartbeats.last?.head == 5
                    }
                    #expect(published.events.map(\.position) == Array(1...5))
                    #expect(second.isRelayLeader == false)
                    // The other instance publishes no events, only heartbeats with the leader's head.
                    let following = try await secondEvents.collect { _, heartbeats in heartbeats.count >= 2 }
                    #expect(following.events.isEmpty)
                    #expect(following.heartbeats.allSatisfy { $0.head <= 5 }, "\(following.heartbeats)")

                    // The leader stops; the other takes over and carries on after what was published.
                    await first.shutdown()
                    _ = try await eventually("the second relay leads", timeout: .seconds(15)) {
                        second.isRelayLeader ? true : nil
                    }
                    for order in 4..<7 {
                        _ = try await viaSecond.send(
                            Wire.allocate("s\(order)", order: "o\(order)", sku: "S", qty: 1))
                    }
                    let takenOver = try await secondEvents.collect { events, heartbeats in
                        events.contains { $0.position == 8 } && heartbeats.last?.head == 8
                    }
                    #expect(takenOver.events.map(\.position).filter { $0 >= 6 } == [6, 7, 8])
                    #expect(
                        takenOver.events.allSatisfy { $0.position >= 6 },
                        "republished \(takenOver.events.map(\.position))")

                    await second.shutdown()
                    try await group.next()
                }
            }
        }
    }

    static func envelope(_ id: String, _ command: any Command) -> CommandEnvelope {
        let request = try! CommandRequest(commandID: id, command: command)
        return CommandEnvelope(id: id, fingerprint: request.fingerprint, command: command)
    }

    static func createBatch(_ id: String, _ reference: String, _ sku: String, _ quantity: Int) -> CommandEnvelope {
        envelope(
            id, try! CreateBatch(reference: BatchReference(reference), sku: SKU(sku), quantity: quantity, eta: nil))
    }

    static func allocate(_ id: String, _ order: String, _ sku: String) -> CommandEnvelope {
        envelope(id, try! Allocate(orderID: OrderID(order), sku: SKU(sku), quantity: 1))
    }
}
