internal import CZeroMQ
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One connection asking to be let in, as libzmq's ZAP request describes it (ZeroMQ RFC 27).
public struct ZAPRequest: Sendable {
    /// The server socket's ZAP domain: which of the service's sockets is being connected to.
    public let domain: String
    /// The peer's address, e.g. `127.0.0.1` (for the log).
    public let address: String
    /// `CURVE`, or `NULL`/`PLAIN` from a socket that does not use CURVE.
    public let mechanism: String
    /// The client's public key (CURVE only).
    public let clientKey: CurveKey?
}

/// What the handler answers: let the connection in under a user id, or refuse it.
public enum ZAPDecision: Sendable, Equatable {
    /// Every message of the connection carries `userID` (see ``SocketOptions/prefixesUserID``).
    case allow(userID: String)
    case deny(reason: String)
}

/// The context's ZAP handler: libzmq asks it about every connection to a CURVE server socket of the
/// same context, and delivers nothing from that connection before it has said yes.
///
/// It runs on a thread of its own, bound to `inproc://zeromq.zap.01`, so authentication never waits
/// for Swift's cooperative pool. Start it before the server sockets accept connections: without a
/// handler, libzmq lets every CURVE client in.
public final class ZAPHandler: Sendable {
    public static let endpoint = "inproc://zeromq.zap.01"

    private let core: ZAPCore
    private let thread: Mutex<pthread_t?>

    /// Binds the handler's socket and starts its thread; `decide` runs on that thread, once per
    /// connection attempt, and must be quick (it holds up that handshake and the ones behind it).
    public init(context: ZMQContext, decide: @escaping @Sendable (ZAPRequest) -> ZAPDecision) throws(MessagingError) {
        let core = try ZAPCore(context: context, decide: decide)
        let thread = try context.startSocketThread(core.run, onFailure: core.waker.close)
        core.setupDone.wait()
        if case .failure(let error) = core.setupResult.withLock({ $0 }) {
            pthread_join(thread, nil)
            throw error
        }
        self.core = core
        self.thread = Mutex(thread)
    }

    deinit { close() }

    /// Stops the thread and closes the socket; afterwards libzmq refuses CURVE clients (no handler
    /// answers). Idempotent.
    public func close() {
        core.stopping.store(true, ordering: .releasing)
        core.waker.wake()
        thread.withLock { thread in
            if let running = thread { pthread_join(running, nil) }
            thread = nil
        }
    }
}

private final class ZAPCore: Sendable {
    let context: ZMQContext
    let decide: @Sendable (ZAPRequest) -> ZAPDecision
    let waker: Waker
    let stopping = Atomic<Bool>(false)
    let setupResult = Mutex<Result<Void, MessagingError>?>(nil)
    let setupDone = DispatchSemaphore(value: 0)

    init(context: ZMQContext, decide: @escaping @Sendable (ZAPRequest) -> ZAPDecision) throws(MessagingError) {
        self.context = context
        self.decide = decide
        self.waker = try Waker()
    }

    func run() {
        defer {
            waker.close()
            context.socketThreadFinished()
        }
        let socket: UnsafeMutableRawPointer
        do throws(MessagingError) {
            socket = try context.makeRawSocket(ZMQ_REP, name: "ZAP REP")
            var linger: Int32 = 0
            zmq_setsockopt(socket, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
            guard zmq_bind(socket, ZAPHandler.endpoint) == 0 else {
                let error = MessagingError.lastZMQ("bind \(ZAPHandler.endpoint)")
                zmq_close(socket)
                throw error
            }
        } catch {
            setupResult.withLock { $0 = .failure(error) }
            setupDone.signal()
            return
        }
        setupResult.withLock { $0 = .success(()) }
        setupDone.signal()
        serve(socket)
        zmq_close(socket)
    }

    private func serve(_ socket: UnsafeMutableRawPointer) {
        var items = [zmq_pollitem_t](repeating: zmq_pollitem_t(), count: 2)
        while !stopping.load(ordering: .acquiring) {
            items[0] = zmq_pollitem_t(socket: socket, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
            items[1] = zmq_pollitem_t(socket: nil, fd: waker.descriptor, events: Int16(ZMQ_POLLIN), revents: 0)
            if zmq_poll(&items, 2, -1) < 0 {
                if zmq_errno() == EINTR { continue }
                return  // ETERM
            }
            if items[1].revents != 0 { waker.drain() }
            guard Int32(items[0].revents) & ZMQ_POLLIN != 0 else { continue }
            guard let request = receive(socket) else { return }
            guard send(answer(request), on: socket) else { return }
        }
    }

    /// The reply frames (version, request id, status code, status text, user id, metadata).
    private func answer(_ frames: [[UInt8]]) -> [[UInt8]] {
        func text(_ index: Int) -> String { index < frames.count ? String(decoding: frames[index], as: UTF8.self) : "" }
        let requestID = frames.count > 1 ? frames[1] : []
        func reply(_ code: String, _ status: String, userID: String = "") -> [[UInt8]] {
            [Array("1.0".utf8), requestID, Array(code.utf8), Array(status.utf8), Array(userID.utf8), []]
        }
        guard frames.count >= 6, text(0) == "1.0" else { return reply("500", "malformed ZAP request") }
        let mechanism = text(5)
        let key = mechanism == "CURVE" && frames.count >= 7 && frames[6].count == 32 ? Self.z85(frames[6]) : nil
        let request = ZAPRequest(domain: text(2), address: text(3), mechanism: mechanism, clientKey: key)
        switch decide(request) {
        case .allow(let userID): return reply("200", "OK", userID: userID)
        case .deny(let reason): return reply("400", reason)
        }
    }

    private static func z85(_ bytes: [UInt8]) -> CurveKey? {
        var text = [CChar](repeating: 0, count: 41)
        guard zmq_z85_encode(&text, bytes, bytes.count) != nil else { return nil }
        return CurveKey(z85: String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// A whole request, or nil on ETERM.
    private func receive(_ socket: UnsafeMutableRawPointer) -> [[UInt8]]? {
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        var frames: [[UInt8]] = []
        while true {
            if zmq_msg_recv(&message, socket, 0) < 0 {
                if zmq_errno() == EINTR { continue }
                return nil
            }
            let size = zmq_msg_size(&message)
            frames.append(size == 0 ? [] : Array(UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: size)))
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// False on ETERM.
    private func send(_ frames: [[UInt8]], on socket: UnsafeMutableRawPointer) -> Bool {
        for (index, frame) in frames.enumerated() {
            let flags = index + 1 < frames.count ? ZMQ_SNDMORE : 0
            while frame.withUnsafeBytes({ zmq_send(socket, $0.baseAddress, $0.count, flags) }) < 0 {
                if zmq_errno() != EINTR { return false }
            }
        }
        return true
    }
}
