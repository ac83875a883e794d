import Logging
import Messaging
import ServiceLifecycle
import Synchronization

/// The serving loop both ROUTER sockets share: one task per request, exactly one reply each, and a
/// graceful stop.
///
/// The loop only reads messages and starts tasks, so the socket is never held up by the database and
/// requests for different aggregates run concurrently over the pool. On graceful shutdown (or
/// cancellation) `onStop` runs, so the server answers new requests with `shutting_down`; the requests
/// already in flight get up to `drainTimeout` to finish and send their replies; then the socket is
/// closed, which ends the loop.
final class RouterLoop: Sendable {
    private let socket: OwnedSocket
    private let drainTimeout: Duration
    private let logger: Logger
    private let inFlight = Atomic<Int>(0)

    init(socket: OwnedSocket, drainTimeout: Duration, logger: Logger) {
        self.socket = socket
        self.drainTimeout = drainTimeout
        self.logger = logger
    }

    /// Serves until a graceful shutdown or cancellation; `answer` computes each reply body.
    func run(onStop: @escaping @Sendable () -> Void, answer: @escaping @Sendable (RoutedRequest) async -> [UInt8])
        async
    {
        async let served: Void = serve(answer)
        do {
            try await gracefulShutdown()
        } catch {}  // cancelled: stop at once
        onStop()
        let deadline = ContinuousClock.now + drainTimeout
        while inFlight.load(ordering: .relaxed) > 0 && ContinuousClock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(5))
        }
        if inFlight.load(ordering: .relaxed) > 0 {
            logger.warning(
                "Closing with requests still in flight", metadata: ["in_flight": "\(inFlight.load(ordering: .relaxed))"]
            )
        }
        // `send` only queues for the socket's thread; give it a moment to hand the last replies to
        // libzmq, whose linger then delivers them.
        if !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
        socket.close()
        await served
    }

    private func serve(_ answer: @escaping @Sendable (RoutedRequest) async -> [UInt8]) async {
        await withDiscardingTaskGroup { group in
            for await frames in socket.messages {
                let request = RoutedRequest(frames)
                inFlight.add(1, ordering: .relaxed)
                group.addTask {
                    defer { self.inFlight.subtract(1, ordering: .relaxed) }
                    let body = await answer(request)
                    try? self.socket.send(request.reply(body))
                }
            }
        }
    }

    /// Requests received and not yet answered.
    var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }
}
