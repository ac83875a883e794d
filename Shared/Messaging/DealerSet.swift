internal import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// DEALER sockets that the thread which made them drives itself: it sends, polls and closes them,
/// with no owner thread and no queue in between.
///
/// For a load generator whose figures must be the service's, not its own. Through `OwnedSocket` a
/// reply costs three wake-ups on the client side — libzmq's I/O thread, the socket's owner thread,
/// a pool thread for the waiting task — and on a machine the service shares, a closed-loop client's
/// turnaround sits in every cycle the service measures. Here a reply costs one: the I/O thread
/// wakes the polling thread, which answers at once. Like pgbench, one thread serves every
/// connection.
///
/// Not `Sendable`: make it, use it and close it on one dedicated thread (never a task on the
/// cooperative pool: `poll` blocks). Close it before terminating its context.
public final class DealerSet {
    private var sockets: [UnsafeMutableRawPointer]
    private var items: [zmq_pollitem_t]

    /// Opens `count` DEALER sockets with `options`, each connected to `endpoint` (its own
    /// connection, as separate clients would have).
    public init(context: ZMQContext, count: Int, options: SocketOptions, connect endpoint: String)
        throws(MessagingError)
    {
        precondition(count >= 1)
        sockets = []
        items = []
        do throws(MessagingError) {
            for _ in 0..<count {
                let socket = try context.makeSocket(.dealer)
                sockets.append(socket)
                try options.apply(to: socket, kind: .dealer)
                guard zmq_connect(socket, endpoint) == 0 else { throw .lastZMQ("connect \(endpoint)") }
                items.append(zmq_pollitem_t(socket: socket, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0))
            }
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    public var count: Int { sockets.count }

    /// Sends one single-frame message on socket `index`. A DEALER queues a message for a
    /// connection still being made; this blocks only at the socket's high-water mark.
    public func send(_ index: Int, _ frame: some Collection<UInt8>) throws(MessagingError) {
        let socket = sockets[index]
        while true {
            let rc =
                frame.withContiguousStorageIfAvailable { zmq_send(socket, $0.baseAddress, $0.count, 0) }
                ?? Array(frame).withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, 0) }
            if rc >= 0 { return }
            let error = zmq_errno()
            if error == EINTR { continue }
            throw error == ETERM ? .closed : .code(error, "send")
        }
    }

    /// Waits up to `timeout` (nil: without end) until a socket has a message, then returns every
    /// message already received on any socket, each with its socket's index; empty when the time
    /// ran out.
    public func poll(timeout: Duration?) throws(MessagingError) -> [(socket: Int, frames: Frames)] {
        let milliseconds = timeout.map { timeout -> Int in
            let (seconds, attoseconds) = timeout.components
            return max(0, Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
        }
        let ready = zmq_poll(&items, Int32(items.count), milliseconds ?? -1)
        if ready < 0 {
            let error = zmq_errno()
            if error == EINTR { return [] }
            throw error == ETERM ? .closed : .code(error, "poll")
        }
        var received: [(socket: Int, frames: Frames)] = []
        guard ready > 0 else { return received }
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        for index in items.indices where Int32(items[index].revents) & ZMQ_POLLIN != 0 {
            var frames: Frames = []
            while true {
                if zmq_msg_recv(&message, sockets[index], ZMQ_DONTWAIT) < 0 {
                    let error = zmq_errno()
                    if error == EINTR { continue }
                    if error == EAGAIN { break }
                    throw error == ETERM ? .closed : .code(error, "receive")
                }
                let size = zmq_msg_size(&message)
                frames.append(
                    size == 0 ? [] : Array(UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: size)))
                if zmq_msg_more(&message) == 0 {
                    received.append((index, frames))
                    frames = []
                }
            }
        }
        return received
    }

    /// Closes every socket (discarding what they still hold, unless their linger says otherwise).
    /// Idempotent.
    public func close() {
        for socket in sockets { zmq_close(socket) }
        sockets = []
        items = []
    }
}
