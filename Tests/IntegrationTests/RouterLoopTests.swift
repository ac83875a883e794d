import Messaging
import Synchronization
import TestSupport
import Testing

@testable import CommandService

/// The serving loop's promise: exactly one reply per request, on time, even when the work behind
/// an answer hangs and ignores cancellation — and such work holds up neither the socket nor the stop.
@Suite struct RouterLoopTests {
    /// Work that never ends until released, whatever happens to its task.
    final class Hang: Sendable {
        private let waiting = Mutex<[CheckedContinuation<Void, Never>]>([])
        let started = Atomic<Int>(0)
        let sawCancellation = Atomic<Int>(0)
        let resumed = Atomic<Int>(0)
        let answersRefused = Atomic<Int>(0)

        func wait() async {
            started.add(1, ordering: .relaxed)
            await withCheckedContinuation { continuation in waiting.withLock { $0.append(continuation) } }
            if Task.isCancelled { sawCancellation.add(1, ordering: .relaxed) }
            resumed.add(1, ordering: .relaxed)
        }

        func release() {
            for continuation in waiting.withLock({ state in
                defer { state = [] }; return state
            }) {
                continuation.resume()
            }
        }
    }

    /// A clock that stands still until the test moves it: deadlines pass when the test says so, and
    /// never because the machine was too busy to answer a quick request in time.
    final class TestClock: Sendable {
        private let start = ContinuousClock.now
        private let elapsed = Mutex<Duration>(.zero)

        func now() -> ContinuousClock.Instant { start + elapsed.withLock { $0 } }
        func advance(by duration: Duration) { elapsed.withLock { $0 += duration } }
    }

    @Test func aHungAnswerGetsTheLateReplyAndIsCancelledAndTheLoopStillStops() async throws {
        let socket = try OwnedSocket(
            context: ServiceHarness.context, kind: .router, options: CommandServer.socketOptions(),
            bind: ["tcp://127.0.0.1:*"])
        let clock = TestClock()
        let timeout = Duration.seconds(2)
        let loop = RouterLoop(socket: socket, timeout: timeout, logger: ServiceHarness.logger, now: clock.now)
        let hang = Hang()
        let serving = Task {
            await loop.run(onStop: {}, late: { _ in Array("late".utf8) }, busy: { _, _ in Array("busy".utf8) }) {
                request, responder in
                if case .success(let body) = request.body, body == Array("hang".utf8) { await hang.wait() }
                if !responder.send(Array("answer".utf8)) { hang.answersRefused.add(1, ordering: .relaxed) }
            }
        }
        defer { hang.release() }
        let client = try TestDealer(socket.boundEndpoints[0])

        #expect(try await client.exchange([Array("quick".utf8)]) == [Array("answer".utf8)])

        // The hung request gets no reply until its deadline, and the late reply once it has passed.
        try client.socket.send([Array("hang".utf8)])
        _ = try await eventually("the hang starts") { hang.started.load(ordering: .relaxed) == 1 ? true : nil }
        clock.advance(by: timeout - .milliseconds(1))
        await #expect(throws: MessagingError.timeout, "no reply before the deadline") {
            try await client.socket.receive(timeout: .milliseconds(200))
        }
        clock.advance(by: .milliseconds(1))
        #expect(try await client.socket.receive(timeout: .seconds(15)) == [Array("late".utf8)])
        // The socket still serves while that work hangs.
        #expect(try await client.exchange([Array("quick".utf8)]) == [Array("answer".utf8)])

        // The late work, released, finds its task cancelled and its answer refused: one reply only.
        hang.release()
        _ = try await eventually("the released work ends") { hang.resumed.load(ordering: .relaxed) == 1 ? true : nil }
        #expect(hang.sawCancellation.load(ordering: .relaxed) == 1)
        _ = try await eventually("its answer is refused") {
            hang.answersRefused.load(ordering: .relaxed) == 1 ? true : nil
        }

        // A request still hanging when the loop is stopped does not keep it from stopping.
        try client.socket.send([Array("hang".utf8)])
        _ = try await eventually("the second hang starts") { hang.started.load(ordering: .relaxed) == 2 ? true : nil }
        serving.cancel()
        await serving.value
        #expect(socket.isClosed)
        #expect(loop.requestsInFlight == 0)
    }

    /// Beyond its limits the loop answers at once with the busy reply and starts no work; a peer
    /// at its own limit does not keep another peer out, and answered requests make room again.
    @Test func requestsBeyondTheLimitsAreAnsweredBusyAtOnce() async throws {
        let socket = try OwnedSocket(
            context: ServiceHarness.context, kind: .router, options: CommandServer.socketOptions(),
            bind: ["tcp://127.0.0.1:*"])
        let loop = RouterLoop(
            socket: socket, timeout: .seconds(60), limits: RequestLimits(total: 3, perPeer: 2),
            logger: ServiceHarness.logger)
        let hang = Hang()
        let serving = Task {
            await loop.run(onStop: {}, late: { _ in Array("late".utf8) }, busy: { _, _ in Array("busy".utf8) }) {
                request, responder in
                if case .success(let body) = request.body, body == Array("hang".utf8) { await hang.wait() }
                responder.send(Array("answer".utf8))
            }
        }
        defer {
            hang.release()
            serving.cancel()
        }
        let first = try TestDealer(socket.boundEndpoints[0])
        let second = try TestDealer(socket.boundEndpoints[0])

        // The first peer's third request is over its limit of two.
        for _ in 0..<2 { try first.socket.send([Array("hang".utf8)]) }
        _ = try await eventually("two hang") { hang.started.load(ordering: .relaxed) == 2 ? true : nil }
        #expect(try await first.exchange([Array("quick".utf8)]) == [Array("busy".utf8)])
        // The second peer gets the one place left in all, then meets the total.
        try second.socket.send([Array("hang".utf8)])
        _ = try await eventually("three hang") { hang.started.load(ordering: .relaxed) == 3 ? true : nil }
        #expect(try await second.exchange([Array("quick".utf8)]) == [Array("busy".utf8)])
        #expect(hang.started.load(ordering: .relaxed) == 3)
        #expect(loop.requestsInFlight == 3)

        // Answered requests make room again.
        hang.release()
        for client in [first, first, second] {
            #expect(try await client.socket.receive(timeout: .seconds(15)) == [Array("answer".utf8)])
        }
        _ = try await eventually("all answered") { loop.requestsInFlight == 0 ? true : nil }
        #expect(try await first.exchange([Array("quick".utf8)]) == [Array("answer".utf8)])
        #expect(try await second.exchange([Array("quick".utf8)]) == [Array("answer".utf8)])
        serving.cancel()
        await serving.value
        #expect(socket.isClosed)
    }
}
