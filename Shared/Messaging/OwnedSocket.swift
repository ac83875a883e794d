internal import CZeroMQ
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A multipart ZeroMQ message: one byte array per frame.
public typealias Frames = [[UInt8]]

/// A ZeroMQ socket confined to its own OS thread, usable from any thread or task.
///
/// libzmq sockets are not thread-safe and their blocking calls must stay off Swift's small
/// cooperative pool, so one dedicated thread creates, binds, connects, polls and closes the
/// socket; the raw pointer never leaves it. Other threads talk to it through a locked send
/// queue plus a wake-up pipe that interrupts its `zmq_poll`, and receive through `messages`.
///
/// Closing is idempotent and also happens in `deinit`, so a forgotten socket does not leak
/// its thread or keep the context from terminating.
public final class OwnedSocket: Sendable {
    public let kind: SocketKind
    /// The endpoints actually bound, as libzmq reports them (`ZMQ_LAST_ENDPOINT`): binding
    /// `tcp://127.0.0.1:*` yields the chosen port here, so tests never need fixed ports.
    public let boundEndpoints: [String]
    /// Received messages, oldest first; the sequence ends when the socket closes.
    public let messages: Messages

    private let core: SocketCore
    private let thread: Mutex<pthread_t?>

    /// Starts the owner thread and waits until it has bound and connected, so that a bind
    /// failure ("Address already in use") is thrown here. Connects succeed even without a
    /// peer (libzmq keeps retrying). The wait is short (no network round trip), so calling
    /// this from a task is fine.
    public init(
        context: ZMQContext, kind: SocketKind, options: SocketOptions = SocketOptions(),
        bind: [String] = [], connect: [String] = []
    ) throws(MessagingError) {
        let core = try SocketCore(
            context: context, kind: kind, options: options, binds: bind, connects: connect)
        let thread = try context.startSocketThread(core.run, onFailure: core.waker.close)
        core.setupDone.wait()
        switch core.setupResult.withLock({ $0 }) {
        case .success(let endpoints):
            self.boundEndpoints = endpoints
        case .failure(let error):
            pthread_join(thread, nil)
            throw error
        case nil:
            preconditionFailure("owner thread signalled without a result")
        }
        self.kind = kind
        self.core = core
        self.messages = Messages(inbox: core.inbox)
        self.thread = Mutex(thread)
    }

    deinit { close() }

    /// Queues a message and returns at once; callable from any thread or task.
    ///
    /// The owner thread sends it with `ZMQ_DONTWAIT`. Where ZeroMQ would block (DEALER, PUSH at
    /// the high-water mark or without a peer) the message waits in this queue, which is not
    /// bounded; where ZeroMQ drops (PUB at the high-water mark, ROUTER to an unknown peer) it
    /// is dropped, and refusals are counted in `droppedMessageCount`.
    public func send(_ frames: Frames) throws(MessagingError) {
        guard kind.canSend else { throw .invalid("a \(kind) socket cannot send") }
        guard !frames.isEmpty else { throw .invalid("a message needs at least one frame") }
        let wasEmpty = try core.outbox.withLock { (outbox) throws(MessagingError) -> Bool in
            guard !outbox.closed && !outbox.stopping else { throw .closed }
            outbox.queue.append(frames)
            return outbox.queue.count == 1
        }
        if wasEmpty { core.waker.wake() }
    }

    /// XPUB only: every subscriber that connects from now on gets `message` (one frame) first. The
    /// owner thread takes it up before it sends anything queued after this call, so a subscriber
    /// that connects later than such a message went out gets this welcome; one connecting in between
    /// may still get the previous one, and then that message. Callable from any thread or task.
    public func setWelcome(_ message: [UInt8]) throws(MessagingError) {
        guard kind == .xpub else { throw .invalid("only an XPUB socket greets its subscribers") }
        try core.outbox.withLock { (outbox) throws(MessagingError) in
            guard !outbox.closed && !outbox.stopping else { throw .closed }
            outbox.welcome = message
        }
        core.waker.wake()
    }

    /// The next received message; throws `.timeout`, `.closed` or `.cancelled`.
    public func receive(timeout: Duration) async throws(MessagingError) -> Frames {
        switch await core.inbox.receive(timeout: timeout) {
        case .message(let frames): return frames
        case .finished: throw .closed
        case .timedOut: throw .timeout
        case .cancelled: throw .cancelled
        }
    }

    /// A message already received, without waiting (nil when none is): for draining a burst
    /// without adding a wait (and a timer) to the end of every burst.
    public func receiveIfAvailable() -> Frames? { core.inbox.take() }

    /// Sends `frames`, then returns the first received message `isReply` accepts, discarding
    /// the others: on a DEALER those are late replies to earlier requests that timed out, so
    /// callers should correlate (e.g. by a command id). One deadline covers the whole exchange:
    /// past it, what has already been received is still looked at (a task resumed late, on a busy
    /// pool, must not take a reply that came in time for a timeout), and only then is it a timeout.
    /// Meant for one request at a time per socket.
    public func request(
        _ frames: Frames, timeout: Duration, isReply: (Frames) -> Bool = { _ in true }
    ) async throws(MessagingError) -> Frames {
        let deadline = ContinuousClock.now + timeout
        try send(frames)
        while true {
            let remaining = deadline - .now
            let reply: Frames
            if remaining > .zero {
                reply = try await receive(timeout: remaining)
            } else if let received = receiveIfAvailable() {
                reply = received
            } else {
                throw .timeout
            }
            if isReply(reply) { return reply }
        }
    }

    /// Messages libzmq refused and that were therefore dropped (e.g. ROUTER with
    /// `routerMandatory` to a peer that is gone or at its high-water mark).
    public var droppedMessageCount: Int { core.dropped.load(ordering: .relaxed) }

    /// True once the socket is closed, by `close()`, by its context, or by a failure.
    public var isClosed: Bool { core.outbox.withLock { $0.closed } }

    /// Stops the owner thread, closes the socket (discarding messages still queued for sending
    /// unless `linger` says otherwise), ends `messages` and joins the thread. Idempotent; blocks
    /// only for the owner thread's current poll wake-up.
    public func close() {
        let alreadyStopping = core.outbox.withLock { outbox in
            defer { outbox.stopping = true }
            return outbox.stopping
        }
        if !alreadyStopping { core.waker.wake() }
        thread.withLock { thread in
            if let running = thread { pthread_join(running, nil) }
            thread = nil
        }
    }
}

/// What the public handle and the owner thread share. It holds no libzmq pointer: the socket
/// exists only as a local of `run()`, on the owner thread.
final class SocketCore: Sendable {
    struct Outbox {
        var queue: [Frames] = []
        /// A welcome for new subscribers (XPUB), set before the queue's messages are sent.
        var welcome: [UInt8]?
        var stopping = false
        var closed = false
    }

    let context: ZMQContext
    let kind: SocketKind
    let options: SocketOptions
    let binds: [String]
    let connects: [String]
    let waker: Waker
    let inbox: Inbox
    let outbox = Mutex(Outbox())
    let dropped = Atomic<Int>(0)
    let setupResult = Mutex<Result<[String], MessagingError>?>(nil)
    let setupDone = DispatchSemaphore(value: 0)

    init(
        context: ZMQContext, kind: SocketKind, options: SocketOptions, binds: [String],
        connects: [String]
    ) throws(MessagingError) {
        let waker = try Waker()
        self.context = context
        self.kind = kind
        self.options = options
        self.binds = binds
        self.connects = connects
        self.waker = waker
        self.inbox = Inbox(capacity: options.receiveBufferCapacity, onSpace: { waker.wake() })
    }

    /// The owner thread's whole life: set up, report, serve, close.
    func run() {
        defer { context.socketThreadFinished() }
        let socket: UnsafeMutableRawPointer
        do throws(MessagingError) {
            socket = try context.makeSocket(kind)
            do throws(MessagingError) {
                try options.apply(to: socket, kind: kind)
                let endpoints = try bindAndConnect(socket)
                setupResult.withLock { $0 = .success(endpoints) }
            } catch {
                zmq_close(socket)
                throw error
            }
        } catch {
            setupResult.withLock { $0 = .failure(error) }
            finish()
            setupDone.signal()
            return
        }
        setupDone.signal()
        serve(socket)
        finish()  // before zmq_close, so `isClosed` holds once `terminate()` returns
        zmq_close(socket)
    }

    private func bindAndConnect(_ socket: UnsafeMutableRawPointer) throws(MessagingError) -> [String] {
        var endpoints: [String] = []
        for endpoint in binds {
            guard zmq_bind(socket, endpoint) == 0 else { throw .lastZMQ("bind \(endpoint)") }
            var buffer = [CChar](repeating: 0, count: 1024)
            var size = buffer.count
            guard zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else {
                throw .lastZMQ("getsockopt last_endpoint")
            }
            endpoints.append(
                String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        for endpoint in connects {
            guard zmq_connect(socket, endpoint) == 0 else { throw .lastZMQ("connect \(endpoint)") }
        }
        return endpoints
    }

    private func finish() {
        outbox.withLock { outbox in
            outbox.closed = true
            outbox.queue = []
        }
        inbox.finish()
        waker.close()
    }

    /// Sends queued messages and reads incoming ones until asked to stop or the context ends.
    private func serve(_ socket: UnsafeMutableRawPointer) {
        var pending: [Frames] = []
        var sent = 0  // messages of `pending` fully handed to libzmq
        var frameIndex = 0  // frames of `pending[sent]` already handed to libzmq
        var items = [zmq_pollitem_t](repeating: zmq_pollitem_t(), count: 2)
        while true {
            let (incoming, welcome, stopping) = outbox.withLock { outbox in
                defer {
                    outbox.queue = []
                    outbox.welcome = nil
                }
                return (outbox.queue, outbox.welcome, outbox.stopping)
            }
            if stopping { return }
            if let welcome {
                let rc = welcome.withUnsafeBytes {
                    zmq_setsockopt(socket, ZMQ_XPUB_WELCOME_MSG, $0.baseAddress, $0.count)
                }
                if rc != 0 { dropped.add(1, ordering: .relaxed) }
            }
            if sent == pending.count {
                pending = incoming
                sent = 0
            } else {
                pending.append(contentsOf: incoming)
            }
            guard flush(socket, &pending, &sent, &frameIndex) else { return }

            let wantIn = kind.canReceive && !inbox.isFull
            let wantOut = sent < pending.count
            let events = (wantIn ? ZMQ_POLLIN : 0) | (wantOut ? ZMQ_POLLOUT : 0)
            // Polled even with no events: that is how a terminated context (ETERM) shows up.
            items[0] = zmq_pollitem_t(socket: socket, fd: 0, events: Int16(events), revents: 0)
            items[1] = zmq_pollitem_t(
                socket: nil, fd: waker.descriptor, events: Int16(ZMQ_POLLIN), revents: 0)
            if zmq_poll(&items, 2, -1) < 0 {
                if zmq_errno() == EINTR { continue }
                return  // ETERM: the context is shutting down
            }
            // Drain before the next look at the outbox, so no wake-up is lost.
            if items[1].revents != 0 { waker.drain() }
            if Int32(items[0].revents) & ZMQ_POLLIN != 0 {
                guard receiveAvailable(socket) else { return }
            }
        }
    }

    /// Hands pending messages to libzmq until it would block. Returns false on ETERM.
    private func flush(
        _ socket: UnsafeMutableRawPointer, _ pending: inout [Frames], _ sent: inout Int,
        _ frameIndex: inout Int
    ) -> Bool {
        while sent < pending.count {
            let frames = pending[sent]
            while frameIndex < frames.count {
                let flags = ZMQ_DONTWAIT | (frameIndex + 1 < frames.count ? ZMQ_SNDMORE : 0)
                let rc = frames[frameIndex].withUnsafeBytes {
                    zmq_send(socket, $0.baseAddress, $0.count, flags)
                }
                if rc >= 0 {
                    frameIndex += 1
                    continue
                }
                let error = zmq_errno()
                if error == EINTR { continue }
                if error == ETERM { return false }
                // A multipart message is atomic in libzmq: once its first frame is accepted the
                // rest are too, so a refusal comes on frame 0 and skipping the message is clean.
                if error == EAGAIN && kind.waitsAtHighWaterMark { return true }
                dropped.add(1, ordering: .relaxed)
                break
            }
            sent += 1
            frameIndex = 0
            pending[sent - 1] = []  // release the bytes early
        }
        pending.removeAll(keepingCapacity: true)
        sent = 0
        return true
    }

    /// Reads whole messages while libzmq has some and the inbox has room. A batch limit keeps
    /// a flood of incoming messages from starving sends. Returns false on ETERM.
    private func receiveAvailable(_ socket: UnsafeMutableRawPointer) -> Bool {
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        for _ in 0..<256 where !inbox.isFull {
            var frames: Frames = []
            var userID: [UInt8]?
            while true {
                if zmq_msg_recv(&message, socket, ZMQ_DONTWAIT) < 0 {
                    let error = zmq_errno()
                    if error == EINTR { continue }
                    return error != ETERM  // EAGAIN: nothing more for now
                }
                if options.prefixesUserID && userID == nil {
                    // The connection's properties hang on the frames that came over it (not on the
                    // routing id frame a ROUTER makes up itself).
                    userID = zmq_msg_gets(&message, "User-Id").map { Array(String(cString: $0).utf8) }
                }
                let size = zmq_msg_size(&message)
                frames.append(
                    size == 0 ? [] : Array(UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: size))
                )
                if zmq_msg_more(&message) == 0 { break }
            }
            if kind.discardsIncoming { continue }
            if options.prefixesUserID { frames.insert(userID ?? [], at: 0) }
            inbox.deliver(frames)
        }
        return true
    }
}
