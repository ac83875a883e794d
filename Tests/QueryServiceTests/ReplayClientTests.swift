import Contracts
import Foundation
import Messaging
import Testing

@testable import QueryService

/// The replay client's batches of pages asked for at once: whatever the server cuts short, reaches
/// or cannot serve, a batch is the log's events from where it was asked, in order, without gaps.
@Suite struct ReplayClientTests {
    /// A long timeout: a retry after one fired on a busy machine would add a request the tests count.
    func client(_ upstream: FakeUpstream, pageSize: Int = 30) -> ReplayClient {
        ReplayClient(
            context: upstream.context, endpoints: [upstream.replayEndpoint], timeout: .seconds(30), lanes: 2,
            pageSize: pageSize)
    }

    /// The batch's positions, or the failure as an error.
    func positions(_ replay: ReplayClient, from: Int, limit: Int) async throws -> [Int] {
        try await replay.batch(from: from, limit: limit).get().events.map(\.position)
    }

    @Test func pagesBelowTheKnownHeadAreAskedForOverEveryLane() async throws {
        try await withUpstream { upstream async throws in
            upstream.append(History.allocations(count: 200), publish: false)
            let replay = client(upstream)
            defer { replay.close() }
            // The head is unknown at first: one page, then two at a time (30 + 60 + 10 = 100).
            #expect(try await positions(replay, from: 1, limit: 100) == Array(1...100))
            #expect(upstream.replayRequests == 4)
            #expect(upstream.replayPeerCount == 2)
            // The batch ends at the head, mid-wave: the page after it is not used.
            let rest = try await replay.batch(from: 101, limit: 1000).get()
            #expect(rest.events.map(\.position) == Array(101...200))
            #expect(rest.head == 200)
            #expect(try await positions(replay, from: 201, limit: 100) == [])
        }
    }

    @Test func aPageCutShortIsContinuedFromWhereItEnded() async throws {
        try await withUpstream { upstream async throws in
            upstream.append(History.allocations(count: 130), publish: false)
            upstream.throttleReplay(limit: 20)
            let replay = client(upstream)
            defer { replay.close() }
            #expect(try await positions(replay, from: 1, limit: 50) == Array(1...50))
            #expect(try await positions(replay, from: 51, limit: 100) == Array(51...130))
        }
    }

    @Test func anUnreadableEventEndsTheBatchRightBeforeItsPage() async throws {
        try await withUpstream { upstream async throws in
            upstream.append(History.allocations(count: 44), publish: false)
            let unknown = upstream.appendUnknownEvent(aggregate: "LAMP")
            upstream.append(History.allocations(count: 100, sku: "DESK", batch: "desk-batch"), publish: false)
            let replay = client(upstream)
            defer { replay.close() }
            #expect(try await positions(replay, from: 1, limit: 30) == Array(1...30))
            // Asked for at once, 1…30 is fine and 31…60 holds the unreadable event: the pages before
            // the failure are the batch, and asking from the failed page gets the failure.
            #expect(try await positions(replay, from: 1, limit: 90) == Array(1...30))
            let failed = await replay.batch(from: 31, limit: 60)
            guard case .failure(.unreadable(let error)) = failed else {
                Issue.record("expected the unreadable event, got \(failed)")
                return
            }
            #expect(error.position == unknown)
        }
    }

    /// Given every command instance's replay endpoint, requests go only to instances that are up:
    /// one that is down (here, a path nobody binds) is never waited for.
    @Test func severalInstancesAreAskedOnlyWhereTheyAreUp() async throws {
        try await withUpstream { upstream async throws in
            upstream.append(History.allocations(count: 100), publish: false)
            let replay = ReplayClient(
                context: upstream.context, endpoints: [upstream.nobody, upstream.replayEndpoint], timeout: .seconds(30),
                lanes: 2, pageSize: 30)
            defer { replay.close() }
            for _ in 0..<3 { #expect(try await positions(replay, from: 1, limit: 100) == Array(1...100)) }
        }
    }

    @Test func endpointListsAreCommaSeparated() {
        #expect(QueryConfiguration.endpoints("tcp://a:1") == ["tcp://a:1"])
        #expect(QueryConfiguration.endpoints(" tcp://a:1 , tcp://b:2,") == ["tcp://a:1", "tcp://b:2"])
    }
}
