/// How much work clients may leave with a ROUTER socket: requests received and not answered yet,
/// in all and per peer (a connected socket).
///
/// Each request runs as a task until it is answered, so without a bound a client that sends without
/// waiting could queue any amount of work and memory, and one client could take the service from
/// the others. Beyond either bound a request is answered at once with `unavailable` (retryable):
/// never queued, never dropped in silence. A client waiting for its replies never meets them.
public struct RequestLimits: Sendable, Equatable {
    /// Requests in flight from all peers together.
    public var total: Int
    /// Requests in flight from one peer.
    public var perPeer: Int

    public init(total: Int = 1024, perPeer: Int = 256) {
        self.total = total
        self.perPeer = perPeer
    }
}

/// The requests in flight, by peer: what `RequestLimits` bounds.
struct RequestsInFlight {
    private(set) var total = 0
    private var byPeer: [[UInt8]: Int] = [:]

    /// Counts a request of `peer` in, unless a bound is reached; false then.
    mutating func admit(_ peer: [UInt8], within limits: RequestLimits) -> Bool {
        let ofPeer = byPeer[peer, default: 0]
        guard total < limits.total, ofPeer < limits.perPeer else { return false }
        total += 1
        byPeer[peer] = ofPeer + 1
        return true
    }

    /// Counts an answered request of `peer` out.
    mutating func release(_ peer: [UInt8]) {
        total -= 1
        let left = byPeer[peer, default: 1] - 1
        byPeer[peer] = left > 0 ? left : nil
    }
}
