import Contracts
import Foundation
import TestSupport
import Testing

@testable import CommandService

/// A reply never hides a commit (DESIGN invariant 9): once a command may have committed, every
/// failure is answered as retryable, and the retry by command id returns the stored reply. The
/// database connection is broken on cue by a proxy between the service and the real PostgreSQL.
@Suite struct UnknownOutcomeTests {
    /// A command alone commits, then its events' sequencing round cannot even begin (the pool's
    /// connection is gone): the command is durable, so the answer must be retryable.
    @Test func aCommandCommittedBeforeItsPositionIsKnownIsAnsweredRetryable() async throws {
        try await withProxiedService { proxy, app, url in
            let client = try TestDealer(app.commandEndpoint)
            try await expectOK(client.send(Wire.createBatch("first", ref: "b-1", sku: "LAMP", qty: 10)))
            // A sequencing round locks the head first; nothing else sends this statement.
            proxy.arm(on: "SELECT head FROM event_head WHERE id = 1 FOR UPDATE", cut: .beforeForwarding, times: .max)
            let request = Wire.createBatch("second", ref: "b-2", sku: "LAMP", qty: 5)
            let reply = try await client.command(request)
            #expect(reply.status == .error)
            #expect(reply.error?.code == .unavailable, "\(reply)")
            #expect(reply.error?.retryable == true)
            #expect(
                try await ServiceHarness.scalar(
                    url, "SELECT count(*) FROM processed_commands WHERE command_id = 'second'") == 1)
            proxy.disarm()
            let retried = try await client.send(request)
            #expect(retried.status == .ok && retried.result == .batchCreated && retried.position == 2, "\(retried)")
        }
    }

    /// The flush of a group commits, and its answer never arrives: the command is answered from
    /// its stored outcome (or as retryable), and it took effect once.
    @Test func aGroupWhoseCommitAnswerIsLostTakesEffectOnce() async throws {
        try await withProxiedService { proxy, app, url in
            let client = try TestDealer(app.commandEndpoint)
            try await expectOK(client.send(Wire.createBatch("batch", ref: "b-1", sku: "LAMP", qty: 10)))
            proxy.arm(on: "cosmic.Flush", cut: .afterAnswer)
            let request = Wire.allocate("alloc", order: "o-1", sku: "LAMP", qty: 3)
            let reply = try await client.command(request)
            #expect(proxy.cutCount == 1)
            #expect(reply.status == .ok || reply.error?.retryable == true, "\(reply)")
            let retried = try await client.send(request)
            #expect(retried.status == .ok && retried.result == .allocated(to: "b-1"), "\(retried)")
            #expect(
                try await ServiceHarness.scalar(url, "SELECT count(*) FROM event_log WHERE type = 'Allocated'") == 1)
            #expect(try await ServiceHarness.scalar(url, "SELECT allocated_quantity FROM batches") == 3)
        }
    }

    /// A command alone whose `COMMIT` is answered into the void: retryable, then the stored reply.
    @Test func aCommandWhoseCommitAnswerIsLostIsAnsweredRetryable() async throws {
        try await withProxiedService { proxy, app, url in
            let client = try TestDealer(app.commandEndpoint)
            proxy.arm(on: "COMMIT", cut: .afterAnswer)
            let request = Wire.createBatch("batch", ref: "b-1", sku: "LAMP", qty: 10)
            let reply = try await client.command(request)
            #expect(proxy.cutCount == 1)
            #expect(reply.status == .ok || reply.error?.retryable == true, "\(reply)")
            let retried = try await client.send(request)
            #expect(retried.status == .ok && retried.result == .batchCreated && retried.position == 1, "\(retried)")
            #expect(try await ServiceHarness.scalar(url, "SELECT count(*) FROM event_log") == 1)
        }
    }

    /// A connection broken in the middle of a command's transaction ends that unit of work and
    /// gives its lease back: with a pool of two connections, five such breaks in a row would exhaust
    /// it if any unit of work kept waiting on a connection that is gone.
    @Test func aConnectionBrokenMidTransactionGivesItsLeaseBack() async throws {
        try await withProxiedService(configure: { $0.poolSize = 2 }) { proxy, app, url in
            let client = try TestDealer(app.commandEndpoint)
            // A command alone sends `BEGIN`, then looks its id up: break the connection there.
            proxy.arm(on: "cosmic.PreviousOutcome", cut: .beforeForwarding, times: 5)
            var attempt = 0
            while proxy.cutCount < 5, attempt < 20 {
                attempt += 1
                let reply = try await client.command(
                    Wire.createBatch("broken-\(attempt)", ref: "b-\(attempt)", sku: "LAMP", qty: 1))
                #expect(reply.error?.code == .unavailable, "\(reply)")
            }
            #expect(proxy.cutCount == 5)
            proxy.disarm()
            try await expectOK(client.send(Wire.createBatch("after", ref: "b-after", sku: "LAMP", qty: 1)))
            #expect(try await ServiceHarness.scalar(url, "SELECT count(*) FROM batches") == 1)
        }
    }

    private func expectOK(_ reply: CommandReply) throws {
        guard reply.status == .ok else { throw HarnessError("not ok: \(reply)") }
    }

    /// A service on a fresh database reached through a `FaultProxy`; `url` is the direct one.
    private func withProxiedService(
        configure: (inout CommandServiceConfiguration) -> Void = { _ in },
        _ body: (FaultProxy, CommandServiceApp, _ url: String) async throws -> Void
    ) async throws {
        try await ServiceHarness.withDatabase { url in
            let proxy = try FaultProxy(upstreamPort: URLComponents(string: url)!.port!)
            defer { proxy.stop() }
            try await ServiceHarness.withService(proxy.url(replacingPortOf: url), configure: configure) { app in
                try await body(proxy, app, url)
            }
        }
    }
}
