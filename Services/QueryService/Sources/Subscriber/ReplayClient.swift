import Contracts
import Messaging
import Synchronization

/// Why a replay request gave no events.
enum ReplayFailure: Error {
    /// No answer in time, an error reply, or a reply that does not fit the request: retry later.
    case unavailable(String)
    /// The reply holds an event this reader cannot read: stop there, never skip it.
    case unreadable(EventDecodingError)
    /// The service holds another event log than the one the checkpoint counts in: stop, apply nothing.
    case otherLog(WireError)
}

/// The command service's replay socket, asked for pages of events over a few DEALERs ("lanes").
///
/// A page takes the command service a database read and an encoding, then this side a decoding:
/// in turn, that chain is slower per event than the SQLite writer it feeds. So a batch of several
/// pages asks for them at once, one per lane (the server answers each request in its own task), and
/// the pages' work overlaps on both sides. Pages are asked for in parallel only below the head the
/// last reply reported: a reader that is live asks for one page, as before. Pages are asked for in
/// the binary encoding (docs/PROTOCOL.md §8); a command service that predates it answers JSON,
/// which reads the same.
///
/// Used by one task at a time (the subscriber's).
final class ReplayClient {
    private let lanes: [ReplayLane]
    private let pageSize: Int
    /// The highest head a reply reported.
    private var knownHead = 0
    /// The event log the reader's checkpoint counts in, named in every request once known.
    var log: String?

    /// - Parameters:
    ///   - endpoints: the replay sockets of every command instance; any of them answers from the one log.
    ///   - lanes: pages in flight at once (each on its own DEALER).
    ///   - pageSize: the most events asked for in one request.
    init(
        context: ZMQContext, endpoints: [String], timeout: Duration, lanes: Int = 2,
        pageSize: Int = WireLimits.maximumReplayLimit, security: SocketSecurity = .none
    ) {
        precondition(lanes >= 1 && (1...WireLimits.maximumReplayLimit).contains(pageSize))
        self.lanes = (0..<lanes).map { _ in
            ReplayLane(context: context, endpoints: endpoints, timeout: timeout, security: security)
        }
        self.pageSize = pageSize
    }

    deinit { close() }

    func close() {
        for lane in lanes { lane.close() }
    }

    /// One request: events from `from` on (at most `limit`), checked to start at `from` and to have
    /// no gaps.
    func result(from: Int, limit: Int) async -> Result<ReplayResponse, ReplayFailure> {
        let result = await lanes[0].result(from: from, limit: limit, log: log)
        if case .success(let response) = result { knownHead = max(knownHead, response.head) }
        return result
    }

    /// Up to `limit` events from `from` on, in as many pages as that takes, stopping at the head.
    /// A transaction of several pages pays its fixed cost (one write per touched batch and SKU row)
    /// once for all of them. A failure after the first page returns the pages before it; asking again
    /// from there gets the failure itself. `requested` runs once per page asked for.
    func batch(from: Int, limit: Int, requested: () -> Void = {}) async -> Result<ReplayBatch, ReplayFailure> {
        var combined: ReplayBatch?
        var next = from
        while true {
            let wave = plan(from: next, limit: limit - (combined?.count ?? 0))
            for _ in wave { requested() }
            let results = await fetch(wave)
            for (page, result) in zip(wave, results) {
                let response: ReplayResponse
                switch result {
                case .success(let value): response = value
                case .failure(let failure):
                    guard let combined else { return .failure(failure) }
                    return .success(combined)
                }
                knownHead = max(knownHead, response.head)
                var all = combined.take() ?? ReplayBatch(head: response.head)
                all.append(response)
                combined = all
                guard let last = response.events.last, last.position < all.head, all.count < limit else {
                    return .success(all)
                }
                next = last.position + 1
                // A page cut short: the next page of this wave does not start where it ended.
                if response.events.count < page.limit { break }
            }
        }
    }

    /// The pages to ask for at once from `from`: the first always, the others while they start at or
    /// below the known head, one per lane, `limit` events in all.
    private func plan(from: Int, limit: Int) -> [(from: Int, limit: Int)] {
        var wave: [(from: Int, limit: Int)] = []
        var start = from
        var left = limit
        while left > 0 && wave.count < lanes.count && (wave.isEmpty || start <= knownHead) {
            let size = min(left, pageSize)
            wave.append((start, size))
            start += size
            left -= size
        }
        return wave
    }

    /// The wave's replies, in its order.
    private func fetch(_ wave: [(from: Int, limit: Int)]) async -> [Result<ReplayResponse, ReplayFailure>] {
        let log = log
        if wave.count == 1 { return [await lanes[0].result(from: wave[0].from, limit: wave[0].limit, log: log)] }
        return await withTaskGroup(of: (Int, Result<ReplayResponse, ReplayFailure>).self) { group in
            for (index, (page, lane)) in zip(wave, lanes).enumerated() {
                group.addTask { (index, await lane.result(from: page.from, limit: page.limit, log: log)) }
            }
            var results = [Result<ReplayResponse, ReplayFailure>?](repeating: nil, count: wave.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }
}

/// One DEALER on the replay socket, one request at a time.
///
/// Following the protocol's advice, a request that times out closes the DEALER and the next request
/// opens a fresh one, so a late reply to an abandoned request can never be taken for a new one.
/// Given several command instances, the DEALER connects to all of them and sends each request to
/// one whose connection is up (`ZMQ_IMMEDIATE`): a dead instance is never waited for.
private final class ReplayLane: Sendable {
    private let context: ZMQContext
    private let endpoints: [String]
    private let timeout: Duration
    private let security: SocketSecurity
    private let socket = Mutex<OwnedSocket?>(nil)

    init(context: ZMQContext, endpoints: [String], timeout: Duration, security: SocketSecurity) {
        self.context = context
        self.endpoints = endpoints
        self.timeout = timeout
        self.security = security
    }

    private var endpoint: String { endpoints.joined(separator: ",") }

    func close() {
        socket.withLock { $0.take() }?.close()
    }

    func result(from: Int, limit: Int, log: String?) async -> Result<ReplayResponse, ReplayFailure> {
        do {
            return .success(try await fetch(from: from, limit: limit, log: log))
        } catch {
            return .failure(error)
        }
    }

    private func fetch(from: Int, limit: Int, log: String?) async throws(ReplayFailure) -> ReplayResponse {
        let frames: Frames
        do {
            let socket = try open()
            let request = Array(
                ReplayCodec.encode(ReplayRequest(from: from, limit: limit, encoding: .binary, log: log)))
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
        case .success(.failure(let error)) where error.code == .otherLog:
            throw .otherLog(error)
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

    private func open() throws(MessagingError) -> OwnedSocket {
        try socket.withLock { (socket: inout OwnedSocket?) throws(MessagingError) -> OwnedSocket in
            if let socket { return socket }
            let opened = try OwnedSocket(
                context: context, kind: .dealer,
                options: SocketOptions(
                    reconnectInterval: .milliseconds(100), reconnectIntervalMax: .seconds(1),
                    immediate: endpoints.count > 1, security: security),
                connect: endpoints)
            socket = opened
            return opened
        }
    }
}
