internal import CZeroMQ

/// The ZeroMQ socket types Cosmic uses. REQ/REP are left out on purpose: their strict
/// send/receive alternation does not fit a socket whose sends are queued from any thread
/// (a DEALER talks to a ROUTER, or to a remote REP/REQ peer, just as well).
public enum SocketKind: Sendable, CaseIterable {
    case pub, sub, router, dealer, push, pull
    /// A PUB that can greet every new subscriber with a message of its own, before anything else
    /// (``OwnedSocket/setWelcome(_:)``). The subscription messages it hears are read and dropped on
    /// its thread (libzmq has acted on them), so they never pile up.
    case xpub

    var zmqType: Int32 {
        switch self {
        case .pub: ZMQ_PUB
        case .xpub: ZMQ_XPUB
        case .sub: ZMQ_SUB
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        }
    }

    var canSend: Bool { self != .sub && self != .pull }
    var canReceive: Bool { self != .pub && self != .push }
    /// What arrives is for libzmq alone: an XPUB's subscriptions.
    var discardsIncoming: Bool { self == .xpub }

    /// ZeroMQ makes DEALER and PUSH *block* at the high-water mark, so the owner thread keeps
    /// such a message queued until the socket is writable again. PUB and ROUTER drop instead
    /// (ROUTER only refuses with `routerMandatory`); holding their head message back would
    /// stall every other peer behind one slow one.
    var waitsAtHighWaterMark: Bool { self == .dealer || self == .push }
}
