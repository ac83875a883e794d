internal import CZeroMQ

/// Socket settings applied on the owner thread right after the socket is created, before any
/// bind or connect (libzmq ignores some options, e.g. the routing id, once connected).
/// `nil` means "libzmq's default".
public struct SocketOptions: Sendable, Equatable {
    /// How long libzmq keeps trying to deliver unsent messages after `close`. Zero by default:
    /// terminating the context waits for lingering messages, and must not hang on a dead peer.
    public var linger: Duration
    /// Messages libzmq queues per peer before DEALER/PUSH wait and PUB/ROUTER drop (libzmq: 1000).
    public var sendHighWaterMark: Int?
    /// Messages libzmq queues per peer on the receiving side (libzmq: 1000).
    public var receiveHighWaterMark: Int?
    /// Largest inbound message in bytes; a peer sending more is disconnected by libzmq, which
    /// protects a server from oversized frames before they reach Swift.
    public var maxMessageSize: Int?
    /// Topic prefixes for SUB sockets: `[]` receives nothing, `[""]` receives everything.
    public var subscriptions: [String]
    /// ROUTER: report unroutable messages (counted in `OwnedSocket.droppedMessageCount`)
    /// instead of dropping them silently inside libzmq.
    public var routerMandatory: Bool
    /// Identity this socket presents to a ROUTER peer; ROUTER picks a random one otherwise.
    public var routingID: [UInt8]?
    /// Delay before reconnecting a dropped connection (libzmq: 100 ms).
    public var reconnectInterval: Duration?
    /// Upper bound for exponential reconnect back-off (libzmq: none).
    public var reconnectIntervalMax: Duration?
    /// ZMTP heartbeats: how often to ping, so dead peers are noticed without traffic.
    public var heartbeatInterval: Duration?
    /// ZMTP heartbeats: how long without any traffic before the connection is dropped.
    public var heartbeatTimeout: Duration?
    /// Queue messages only to completed connections, so a send to a not-yet-connected peer
    /// waits (DEALER) rather than sitting in a pipe that may never connect.
    public var immediate: Bool
    /// Received messages buffered between the owner thread and async consumers. When full, the
    /// owner thread stops reading, so backpressure falls back on libzmq's receive high-water
    /// mark (ZeroMQ semantics) rather than growing memory or dropping here.
    public var receiveBufferCapacity: Int
    /// CURVE encryption and authentication, or none (see ``SocketSecurity``).
    public var security: SocketSecurity
    /// ROUTER under CURVE: every received message gets one more frame in front, the User-Id the ZAP
    /// handler gave its sender's connection (empty when it gave none), so a server knows who asks
    /// without trusting anything the peer wrote.
    public var prefixesUserID: Bool

    public init(
        linger: Duration = .zero,
        sendHighWaterMark: Int? = nil,
        receiveHighWaterMark: Int? = nil,
        maxMessageSize: Int? = nil,
        subscriptions: [String] = [],
        routerMandatory: Bool = false,
        routingID: [UInt8]? = nil,
        reconnectInterval: Duration? = nil,
        reconnectIntervalMax: Duration? = nil,
        heartbeatInterval: Duration? = nil,
        heartbeatTimeout: Duration? = nil,
        immediate: Bool = false,
        receiveBufferCapacity: Int = 1000,
        security: SocketSecurity = .none,
        prefixesUserID: Bool = false
    ) {
        self.linger = linger
        self.sendHighWaterMark = sendHighWaterMark
        self.receiveHighWaterMark = receiveHighWaterMark
        self.maxMessageSize = maxMessageSize
        self.subscriptions = subscriptions
        self.routerMandatory = routerMandatory
        self.routingID = routingID
        self.reconnectInterval = reconnectInterval
        self.reconnectIntervalMax = reconnectIntervalMax
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
        self.immediate = immediate
        self.receiveBufferCapacity = max(1, receiveBufferCapacity)
        self.security = security
        self.prefixesUserID = prefixesUserID
    }

    /// Owner thread only: sets every option on a fresh socket.
    func apply(to socket: UnsafeMutableRawPointer, kind: SocketKind) throws(MessagingError) {
        func set<T: BitwiseCopyable>(_ option: Int32, _ name: String, _ value: T) throws(MessagingError) {
            let rc = withUnsafeBytes(of: value) {
                zmq_setsockopt(socket, option, $0.baseAddress, $0.count)
            }
            if rc != 0 { throw .lastZMQ("setsockopt \(name)") }
        }
        func set(_ option: Int32, _ name: String, bytes: [UInt8]) throws(MessagingError) {
            let rc = bytes.withUnsafeBytes { zmq_setsockopt(socket, option, $0.baseAddress, $0.count) }
            if rc != 0 { throw .lastZMQ("setsockopt \(name)") }
        }
        func milliseconds(_ duration: Duration) -> Int32 {
            let (seconds, attoseconds) = duration.components
            return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        }

        try set(ZMQ_LINGER, "linger", milliseconds(linger))
        if let value = sendHighWaterMark { try set(ZMQ_SNDHWM, "sndhwm", Int32(clamping: value)) }
        if let value = receiveHighWaterMark { try set(ZMQ_RCVHWM, "rcvhwm", Int32(clamping: value)) }
        if let value = maxMessageSize { try set(ZMQ_MAXMSGSIZE, "maxmsgsize", Int64(value)) }
        if routerMandatory && kind == .router {
            try set(ZMQ_ROUTER_MANDATORY, "router_mandatory", Int32(1))
        }
        if let value = routingID { try set(ZMQ_ROUTING_ID, "routing_id", bytes: value) }
        if let value = reconnectInterval {
            try set(ZMQ_RECONNECT_IVL, "reconnect_ivl", milliseconds(value))
        }
        if let value = reconnectIntervalMax {
            try set(ZMQ_RECONNECT_IVL_MAX, "reconnect_ivl_max", milliseconds(value))
        }
        if let value = heartbeatInterval {
            try set(ZMQ_HEARTBEAT_IVL, "heartbeat_ivl", milliseconds(value))
        }
        if let value = heartbeatTimeout {
            try set(ZMQ_HEARTBEAT_TIMEOUT, "heartbeat_timeout", milliseconds(value))
        }
        if immediate { try set(ZMQ_IMMEDIATE, "immediate", Int32(1)) }
        try security.apply(to: socket)
        if kind == .sub {
            for topic in subscriptions { try set(ZMQ_SUBSCRIBE, "subscribe", bytes: Array(topic.utf8)) }
        }
    }
}
