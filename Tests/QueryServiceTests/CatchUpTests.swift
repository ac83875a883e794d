import Contracts
import Foundation
import GRDB
import Messaging
import QueryService
import TestSupport
import Testing

/// The subscriber against a misbehaving fake command service: every event is applied exactly once
/// whatever PUB drops, repeats or delays, and whenever either side restarts (DESIGN.md invariant 4).
@Suite struct CatchUpTests {
    /// The reference rows for `payloads`, built without any socket.
    func expectedDump(_ payloads: [EventPayload], _ sandbox: Sandbox) async throws -> [String: [String]] {
        try await referenceStore(payloads, at: sandbox.path("reference-\(UUID().uuidString).sqlite")).dump()
    }

    @Test func lateStartConvergesThroughReplay() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                // Everything was published before the query service existed: nobody heard it.
                upstream.append(History.mixed)
                let expected = try await expectedDump(History.mixed, sandbox)
                try await withService(testConfiguration(upstream, database: sandbox.path("late.sqlite"))) { service in
                    try await service.waitForCheckpoint(History.mixed.count)
                    #expect(try await service.store.dump() == expected)
                    #expect(service.sync.status.replayedEventsApplied == History.mixed.count)
                }
            }
        }
    }

    @Test func aDroppedMessageIsFilledFromReplay() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                try await withService(testConfiguration(upstream, database: sandbox.path("gap.sqlite"))) { service in
                    try await liveTraffic(upstream, service)
                    let start = upstream.head
                    upstream.append(Array(History.mixed[0..<3]))
                    // No heartbeat between the drop and the next event: one announcing the dropped
                    // position first (the test paused there) would send the reader to replay before it
                    // saw the gap. Heartbeats resumed after go out behind the next event.
                    upstream.pauseHeartbeats(true)
                    upstream.append([History.mixed[3]], publish: false)  // PUB drops position start + 4
                    upstream.append(Array(History.mixed[4..<6]))
                    upstream.pauseHeartbeats(false)
                    try await service.waitForCheckpoint(start + 6)
                    #expect(service.sync.status.gapsDetected >= 1)
                    #expect(try await service.store.checkpoint() == start + 6)
                    let lines = try await ReadModel(store: service.store).allocations(orderid: "order-1").lines
                    #expect(lines == [AllocationView(sku: "SMALL-TABLE", batchref: "batch-001")])
                }
            }
        }
    }

    @Test func aSilentTailIsRevealedByTheHeartbeat() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                try await withService(testConfiguration(upstream, database: sandbox.path("tail.sqlite"))) { service in
                    try await liveTraffic(upstream, service)
                    let gapsBefore = service.sync.status.gapsDetected
                    // The last event's PUB message is lost and nothing follows it: only heartbeats tell.
                    upstream.append([History.batch("tail-batch", "TAIL", 7)], publish: false)
                    try await service.waitForCheckpoint(upstream.head)
                    #expect(service.sync.status.gapsDetected == gapsBefore)  // found by heartbeat, not by a gap
                    #expect(try await ReadModel(store: service.store).stock(sku: "TAIL").stock?.purchased == 7)
                }
            }
        }
    }

    @Test func eventsDeliveredTwiceLiveAndByReplayAreAppliedOnce() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                let payloads = History.mixed
                try await withService(testConfiguration(upstream, database: sandbox.path("twice.sqlite"))) { service in
                    let events = upstream.append(Array(payloads[0..<8]))
                    try await service.waitForCheckpoint(8)
                    // Every event again on PUB, then a gap that forces a replay overlapping what is applied.
                    for event in events { upstream.publish(event) }
                    upstream.append([payloads[8]], publish: false)
                    let rest = upstream.append(Array(payloads[9...]))
                    for event in events + rest { upstream.publish(event) }
                    try await service.waitForCheckpoint(payloads.count)
                    _ = try await eventually("duplicates discarded") {
                        service.sync.status.duplicatesDiscarded >= events.count ? true : nil
                    }
                    let expected = try await expectedDump(payloads, sandbox)
                    #expect(try await service.store.dump() == expected)
                    let status = service.sync.status
                    #expect(status.liveEventsApplied + status.replayedEventsApplied == payloads.count)
                }
            }
        }
    }

    @Test func itSurvivesTheCommandServiceRestartingAndAnswersReadsMeanwhile() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                let payloads = History.mixed
                var configuration = testConfiguration(upstream, database: sandbox.path("restart.sqlite"))
                configuration.silenceTimeout = .seconds(1)  // the outage is noticed soon
                try await withService(configuration) { service in
                    upstream.append(Array(payloads[0..<6]))
                    try await service.waitForCheckpoint(6)

                    upstream.stop()
                    _ = try await eventually("health reports the outage") {
                        let reply = try await service.get("/health")
                        let state = try reply.object()["state"] as? String
                        return reply.status == 503 && state == "disconnected" ? true : nil
                    }
                    // Reads go on from what was applied.
                    let read = try await service.get("/allocations/order-1")
                    #expect(read.status == 200)
                    #expect(read.headers["x-checkpoint"] == "6")

                    // The command service commits more while the read side cannot hear it, then restarts.
                    upstream.append(Array(payloads[6...]))
                    try upstream.start()
                    try await service.waitForCheckpoint(payloads.count)
                    let expected = try await expectedDump(payloads, sandbox)
                    #expect(try await service.store.dump() == expected)
                    _ = try await eventually("healthy again") {
                        try await service.get("/health").status == 200 ? true : nil
                    }
                }
            }
        }
    }

    @Test func theQueryServiceRestartingResumesFromItsCheckpoint() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                let configuration = testConfiguration(upstream, database: sandbox.path("resume.sqlite"))
                upstream.append(Array(History.mixed[0..<7]))
                try await withService(configuration) { service in try await service.waitForCheckpoint(7) }
                // Down while the log grows.
                upstream.append(Array(History.mixed[7...]))
                try await withService(configuration) { service in
                    try await service.waitForCheckpoint(History.mixed.count)
                    #expect(service.sync.status.replayedEventsApplied == History.mixed.count - 7)
                    let expected = try await expectedDump(History.mixed, sandbox)
                    #expect(try await service.store.dump() == expected)
                }
            }
        }
    }

    /// A read model built from one event log, pointed at a command side whose database holds another
    /// (its positions are other events), stops before it applies anything of it, and says why.
    @Test func aDatabaseBuiltFromAnotherLogStopsInsteadOfMixingTheTwo() async throws {
        try await withSandbox { sandbox in
            let database = sandbox.path("two-logs.sqlite")
            let firstLog = try await withUpstream { first in
                first.append(Array(History.mixed[0..<5]))
                try await withService(testConfiguration(first, database: database)) { service in
                    try await service.waitForCheckpoint(5)
                    try await service.waitForLog(first.logID)
                }
                return first.logID
            }
            let expected = try await expectedDump(Array(History.mixed[0..<5]), sandbox)
            try await withUpstream { second in
                second.append(History.mixed)  // a longer log: positions 1…5 hold other events there
                try await withService(testConfiguration(second, database: database)) { service in
                    _ = try await eventually("halted") { service.sync.status.phase == .halted ? true : nil }
                    #expect(try await service.store.checkpoint() == 5)
                    #expect(try await service.store.dump() == expected)
                    #expect(try await service.store.log() == firstLog)
                    let health = try await service.get("/health")
                    #expect(health.status == 503)
                    let body = try health.object()
                    #expect(body["state"] as? String == "halted")
                    #expect((body["problem"] as? String)?.contains("another event log") == true)
                    #expect((body["problem"] as? String)?.contains(firstLog) == true)
                }
            }
        }
    }

    /// A live reader whose upstream comes back on another database at the same endpoints (its SUB
    /// socket reconnects by itself, so no catch-up runs) hears the other log's id in a heartbeat, and
    /// stops there: nothing it publishes afterwards is applied.
    @Test func aHeartbeatNamingAnotherLogStopsALiveReader() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                try await withService(testConfiguration(upstream, database: sandbox.path("live.sqlite"))) { service in
                    upstream.append(Array(History.mixed[0..<3]))
                    try await service.waitForCheckpoint(3)
                    let first = upstream.logID
                    try await service.waitForLog(first)
                    upstream.switchLog(to: "another-log")
                    _ = try await eventually("halted") { service.sync.status.phase == .halted ? true : nil }
                    upstream.append(Array(History.mixed[3..<6]))  // the other log's events, published
                    #expect(try await service.store.checkpoint() == 3)
                    #expect(try await service.store.log() == first)
                    #expect(service.sync.status.problem?.contains("another-log") == true)
                }
            }
        }
    }

    /// The case heartbeats alone left open: the upstream comes back on another database at the same
    /// endpoints, the reader's SUB socket reconnects by itself, and that log's events (at the
    /// reader's next position) arrive before any heartbeat of it. The welcome each new connection
    /// gets first names the other log, so none of them is applied.
    @Test func aReconnectionToAnotherLogIsNamedBeforeItsFirstEvent() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                try await withService(testConfiguration(upstream, database: sandbox.path("welcome.sqlite"))) {
                    service in
                    upstream.append(Array(History.mixed[0..<3]))
                    try await service.waitForCheckpoint(3)
                    let first = upstream.logID
                    try await service.waitForLog(first)
                    upstream.stop()
                    upstream.pauseHeartbeats(true)
                    upstream.switchLog(to: "another-log")
                    try upstream.start()
                    let next = upstream.append(Array(History.mixed[3..<4]))  // position 4: the reader's next
                    _ = try await eventually("halted") {
                        upstream.publish(next[0])  // until the reader has reconnected and heard it
                        return service.sync.status.phase == .halted ? true : nil
                    }
                    #expect(try await service.store.checkpoint() == 3)
                    #expect(service.sync.status.problem?.contains("another-log") == true)
                }
            }
        }
    }

    /// A database from before logs had ids (a checkpoint, no log) follows the first log a heartbeat
    /// names, and goes on from its checkpoint.
    @Test func aDatabaseFromBeforeLogIDsAdoptsTheFirstLogItHears() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                let configuration = testConfiguration(upstream, database: sandbox.path("older.sqlite"))
                upstream.append(Array(History.mixed[0..<4]))
                try await withService(configuration) { service in try await service.waitForCheckpoint(4) }
                try await DatabaseQueue(path: configuration.databasePath).write { db in
                    try db.execute(sql: "UPDATE checkpoint SET log = NULL")
                }
                upstream.append(Array(History.mixed[4...]))
                try await withService(configuration) { service in
                    try await service.waitForCheckpoint(History.mixed.count)
                    try await service.waitForLog(upstream.logID)
                    #expect(try await service.store.dump() == expectedDump(History.mixed, sandbox))
                }
            }
        }
    }

    /// Catch-up asks for the next page while it applies the current one: every page is still asked
    /// for once, applied once and in order, and a page the server cuts short is simply continued.
    @Test func pagesFetchedAheadAreEachAppliedOnce() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                let payloads = History.allocations(count: 1000) + History.mixed
                upstream.append(payloads)
                var configuration = testConfiguration(upstream, database: sandbox.path("ahead.sqlite"))
                configuration.batchSize = 50
                let expected = try await expectedDump(payloads, sandbox)
                try await withService(configuration) { service in
                    try await service.waitForCheckpoint(payloads.count)
                    #expect(try await service.store.dump() == expected)
                    #expect(service.sync.status.replayedEventsApplied == payloads.count)
                    #expect(upstream.replayRequests == (payloads.count + 49) / 50)
                }
                // Shorter pages than asked for: a transaction of 50 events takes two pages (30 + 20),
                // and the batch fetched ahead starts where the last page ended.
                upstream.throttleReplay(limit: 30)
                upstream.append(History.allocations(count: 200, sku: "DESK", batch: "desk-batch"), publish: false)
                var again = configuration
                again.databasePath = sandbox.path("ahead-short.sqlite")
                let requestsBefore = upstream.replayRequests
                try await withService(again) { service in
                    try await service.waitForCheckpoint(upstream.head)
                    #expect(service.sync.status.replayedEventsApplied == upstream.head)
                    #expect(service.sync.status.applyFailures == 0)
                    let (full, rest) = upstream.head.quotientAndRemainder(dividingBy: 50)
                    #expect(upstream.replayRequests - requestsBefore == 2 * full + (rest + 29) / 30)
                    #expect(service.sync.status.replayRequests == upstream.replayRequests - requestsBefore)
                }
            }
        }
    }

    @Test func aSlowSubscriberThatOverflowsItsHighWaterMarkLosesNothing() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                var configuration = testConfiguration(upstream, database: sandbox.path("slow.sqlite"))
                configuration.receiveHighWaterMark = 10
                configuration.sqliteBusyTimeout = .seconds(30)
                let burst = SlowSubscriberBurst.size
                let databasePath = configuration.databasePath
                try await withService(configuration) { service in
                    try await liveTraffic(upstream, service)
                    let start = upstream.head
                    // A second subscriber that keeps up tells when the publisher has sent the whole burst.
                    let monitor = try OwnedSocket(
                        context: upstream.context, kind: .sub, options: SocketOptions(subscriptions: [Topic.heartbeat]),
                        connect: [upstream.eventsEndpoint])
                    defer { monitor.close() }
                    _ = try await monitor.receive(timeout: .seconds(10))

                    // Make the subscriber slow: another connection holds SQLite's write lock, so its next
                    // transaction waits while the burst piles up in front of it and overflows.
                    let blocker = try secondWriter(databasePath, holdingLocksAcrossAccesses: true)
                    try await blocker.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
                    // The burst is the upstream's work, done off the pool: making and encoding 12,000
                    // events in one go held one of its two threads for many seconds on a busy machine
                    // and stalled the other tests' in-process services meanwhile.
                    let tag = String(repeating: "x", count: 90)
                    try await offThePool {
                        upstream.append([History.batch("slow-batch", "SLOW", 1_000_000)])
                        for chunk in stride(from: 0, to: burst, by: 1000) {
                            upstream.append(
                                (chunk..<min(burst, chunk + 1000)).map {
                                    History.allocated("\($0)-\(tag)", "SLOW", 1, "slow-batch")
                                })
                        }
                    }
                    let target = start + 1 + burst
                    while true {
                        let frames = try await monitor.receive(timeout: .seconds(10))
                        if case .success(let heartbeat) = EventCodec.decodeHeartbeat(frames[1]),
                            heartbeat.head >= target
                        {
                            break
                        }
                    }
                    try await blocker.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
                    try blocker.close()

                    try await service.waitForCheckpoint(target, timeout: .seconds(60))
                    let status = service.sync.status
                    // What overflowed was dropped and came back through replay (found by a gap, or by the
                    // heartbeats when the whole tail of the burst was lost).
                    #expect(status.replayedEventsApplied > 0, "the burst should have overflowed: \(status)")
                    let stock = try #require(try await ReadModel(store: service.store).stock(sku: "SLOW").stock)
                    #expect(stock.allocated == burst)
                }
            }
        }
    }

    @Test func anUnknownEventTypeStopsTheSubscriberBeforeIt() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                try await withService(testConfiguration(upstream, database: sandbox.path("unknown.sqlite"))) {
                    service in
                    upstream.append(Array(History.mixed[0..<3]))
                    try await service.waitForCheckpoint(3)
                    let unknown = upstream.appendUnknownEvent(
                        aggregate: "SMALL-TABLE", payload: #"{"ref": "batch-001", "to": "mars"}"#)
                    upstream.publishRaw(topic: "event.BatchTeleported", body: "{\"position\": \(unknown)}")
                    upstream.append(Array(History.mixed[3..<6]))  // later events must not be applied either
                    _ = try await eventually("halted") { service.sync.status.phase == .halted ? true : nil }
                    #expect(try await service.store.checkpoint() == unknown - 1)
                    let health = try await service.get("/health")
                    #expect(health.status == 503)
                    let body = try health.object()
                    #expect(body["state"] as? String == "halted")
                    #expect((body["problem"] as? String)?.contains("BatchTeleported") == true)
                    // Reads still answer, as of the checkpoint.
                    #expect(try await service.get("/stock/SMALL-TABLE").status == 200)
                }
            }
        }
    }

    /// A batch spans pages; an unreadable event in its second page still stops the subscriber right
    /// before that event (the first page is applied, then the pages up to the event).
    @Test func anUnreadableEventInALaterPageOfABatchStopsRightBeforeIt() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(History.allocations(count: 44), publish: false)
                let unknown = upstream.appendUnknownEvent(aggregate: "LAMP")
                upstream.append(History.allocations(count: 20, sku: "DESK", batch: "desk-batch"), publish: false)
                upstream.throttleReplay(limit: 30)
                var configuration = testConfiguration(upstream, database: sandbox.path("later-page.sqlite"))
                configuration.batchSize = 50
                try await withService(configuration) { service in
                    _ = try await eventually("halted") { service.sync.status.phase == .halted ? true : nil }
                    #expect(unknown == 45)
                    #expect(try await service.store.checkpoint() == unknown - 1)
                    #expect(service.sync.status.replayedEventsApplied == unknown - 1)
                }
            }
        }
    }

    @Test func aFailingTransactionIsRetriedWithoutApplyingAnythingTwice() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                let configuration = testConfiguration(upstream, database: sandbox.path("retry.sqlite"))
                try await withService(configuration) { service in
                    upstream.append(Array(History.mixed[0..<3]))
                    try await service.waitForCheckpoint(3)
                    let saboteur = try secondWriter(configuration.databasePath)
                    try await saboteur.write { db in
                        try db.execute(
                            sql: """
                                CREATE TRIGGER sabotage BEFORE INSERT ON allocations WHEN NEW.orderid = 'order-3'
                                BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                                """)
                    }
                    // All of them are in the log before the subscriber hears of any, so every
                    // batch it forms starts at order-1 and reaches past order-3: published one by
                    // one, order-1 alone could form a batch and commit before order-3 arrived.
                    let rest = upstream.append(Array(History.mixed[3...]), publish: false)
                    upstream.publish(rest[rest.count - 1])
                    _ = try await eventually("the batch failed") {
                        service.sync.status.applyFailures >= 2 ? true : nil
                    }
                    // Order-1 and order-2 came before order-3 in the failing batches: none is visible.
                    #expect(try await service.store.checkpoint() == 3)
                    #expect(try await ReadModel(store: service.store).allocations(orderid: "order-1").lines.isEmpty)
                    try await saboteur.write { db in try db.execute(sql: "DROP TRIGGER sabotage") }
                    try saboteur.close()
                    try await service.waitForCheckpoint(History.mixed.count)
                    let expected = try await expectedDump(History.mixed, sandbox)
                    #expect(try await service.store.dump() == expected)
                }
            }
        }
    }
}

/// Makes sure the subscriber hears the live stream (PUB drops everything before the subscription
/// arrives): publishes one event and waits until it is applied. Returns when the stream is live.
func liveTraffic(_ upstream: FakeUpstream, _ service: RunningService) async throws {
    _ = try await eventually("the live stream reaches the subscriber") {
        service.sync.status.phase == .live && service.sync.status.connected ? true : nil
    }
    upstream.append([History.batch("warm-up-\(upstream.head + 1)", "WARM-UP", 1)])
    try await service.waitForCheckpoint(upstream.head)
}

enum SlowSubscriberBurst {
    /// Enough events (about 300 bytes each) to overflow every buffer between the publisher and a
    /// stuck subscriber: both high-water marks and the kernel's socket buffers.
    static let size = 12000
}
