import Contracts
import Messaging

/// Why a replay request gave no events.
enum ReplayFailure: Error {
    /// No answer in time, an error reply, or a reply that does not fit the request: retry later.
    case unavailable(String)
    /// The reply holds an event this reader cannot read: stop there, never skip it.
    case unreadable(EventDecodingError)
}

/// A DEALER on the command service's replay socket, asking for one page of events at a time.
///
/// Following the protocol's advice, a request that times out closes the DEALER and the next request
/// opens a fresh one, so a late reply to an abandoned request can never be taken for a new one.
/// Used by one task at a time (the subscriber's).
final class ReplayClient {
    private let context: ZMQContext
    private let endpoint: String
    private let timeout: Duration
    private var socket: OwnedSocket?

    init(context: ZMQContext, endpoint: String, timeout: Duration) {
        self.context = context
        self.endpoint = endpoint
        self.timeout = timeout
    }

    deinit { socket?.close() }

    func close() {
        socket?.close()
        socket = nil
    }

    /// Events from `from` on (at most `limit`), checked to start at `from` and to have no gaps.
    func fetch(from: Int, limit: Int) async throws(ReplayFailure) -> ReplayResponse {
        let frames: Frames
        do {
            let socket = try self.socket ?? openSocket()
            self.socket = socket
            let request = Array(ReplayCodec.encode(ReplayRequest(from: from, limit: limit)))
            frames = try await socket.request([request], timeout: timeout)
        } catch {
            close()
            throw .unavailable("replay socket \(endpoint): \(error)")
        }
        guard frames.count == 1 else {
            close()
            throw .unavailable("replay reply has \(frames.count) frames, expected 1")
        }
        switch ReplayCodec.decodeReply(frames[0]) {
        case .failure(let error):
            throw .unreadable(error)
        case .success(.failure(let error)):
            throw .unavailable("replay answered \(error)")
        case .success(.events(let response)):
            for (offset, event) in response.events.enumerated() where event.position != from + offset {
                close()
                throw .unavailable(
                    "replay reply for \(from) has position \(event.position) at index \(offset): not contiguous")
            }
            return response
        }
    }

    /// ``fetch(from:limit:)`` as a value, for callers that hold a result to use later.
    func result(from: Int, limit: Int) async -> Result<ReplayResponse, ReplayFailure> {
        do {
            return .success(try await fetch(from: from, limit: limit))
        } catch {
            return .failure(error)
        }
    }

    /// Up to `limit` events from `from` on, in as many pages as that takes (a page holds at most
    /// ``WireLimits/maximumReplayLimit``), stopping at the head. A transaction of several pages pays
    /// its fixed cost (one write per touched batch and SKU row) once for all of them. A failure after
    /// the first page returns the pages before it; asking again from there gets the failure itself.
    /// `requested` runs once per page asked for.
    func batch(from: Int, limit: Int, requested: () -> Void = {}) async -> Result<ReplayResponse, ReplayFailure> {
        var combined: ReplayResponse?
        var next = from
        while true {
            let wanted = min(limit - (combined?.events.count ?? 0), WireLimits.maximumReplayLimit)
            requested()
            let page: ReplayResponse
            switch await result(from: next, limit: wanted) {
            case .success(let response): page = response
            case .failure(let failure):
                guard let combined else { return .failure(failure) }
                return .success(combined)
            }
            var all = combined ?? ReplayResponse(events: [], head: page.head)
            all.events += page.events
            all.head = page.head
            combined = all
            guard let last = page.events.last, last.position < page.head, all.events.count < limit else {
                return .success(all)
            }
            next = last.position + 1
        }
    }

    private func openSocket() throws(MessagingError) -> OwnedSocket {
        try OwnedSocket(
            context: context, kind: .dealer,
            options: SocketOptions(reconnectInterval: .milliseconds(100), reconnectIntervalMax: .seconds(1)),
            connect: [endpoint])
    }
}
