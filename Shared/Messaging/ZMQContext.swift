internal import CZeroMQ
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owns a libzmq context: the I/O threads every socket of the process shares.
/// A process normally has one. Sockets keep their context alive, so it is terminated (in
/// `deinit` at the latest) only after every socket of it has been closed.
public final class ZMQContext: Sendable {
    // libzmq documents contexts as thread-safe, so using the pointer from any thread is sound.
    // It is freed only by `terminate()`, which first sets `terminated` under `state`; socket
    // creation checks that flag under the same lock, so nothing uses the pointer afterwards.
    private nonisolated(unsafe) let raw: UnsafeMutableRawPointer
    private let state = Mutex(State())

    private struct State {
        var terminated = false
        var socketThreads = 0
    }

    /// - Parameter ioThreads: libzmq background I/O threads; one handles well over a gigabyte
    ///   per second, more only help with many busy connections.
    public init(ioThreads: Int = 1) throws(MessagingError) {
        guard let raw = zmq_ctx_new() else { throw .lastZMQ("zmq_ctx_new") }
        if ioThreads != 1 && zmq_ctx_set(raw, ZMQ_IO_THREADS, Int32(clamping: ioThreads)) != 0 {
            let error = MessagingError.lastZMQ("zmq_ctx_set io_threads")
            zmq_ctx_term(raw)
            throw error
        }
        self.raw = raw
    }

    deinit { terminate() }

    /// Socket owner threads of this context that have started and not yet finished. Exposed so
    /// tests and health checks can prove that closed sockets leave no thread behind.
    public var socketThreadCount: Int { state.withLock { $0.socketThreads } }

    /// Stops every socket of this context without blocking: each owner thread sees `ETERM`,
    /// closes its socket and finishes its message stream. Use it for a fast process shutdown.
    public func shutdown() {
        state.withLock { state in
            if !state.terminated { zmq_ctx_shutdown(raw) }
        }
    }

    /// Stops every socket (like `shutdown`) and waits until libzmq has closed them all, then
    /// frees the context. Idempotent. Sockets created afterwards fail with `.closed`.
    public func terminate() {
        let first = state.withLock { state in
            defer { state.terminated = true }
            return !state.terminated
        }
        guard first else { return }
        while zmq_ctx_term(raw) != 0 && zmq_errno() == EINTR {}
    }

    /// Owner thread only: creates a socket unless the context is already terminated.
    func makeSocket(_ kind: SocketKind) throws(MessagingError) -> UnsafeMutableRawPointer {
        try makeRawSocket(kind.zmqType, name: "\(kind)")
    }

    /// Owner thread only: a socket of any libzmq type (the ZAP handler's REP).
    func makeRawSocket(_ type: Int32, name: String) throws(MessagingError) -> UnsafeMutableRawPointer {
        try state.withLock { (state) throws(MessagingError) -> UnsafeMutableRawPointer in
            guard !state.terminated else { throw .closed }
            guard let socket = zmq_socket(raw, type) else {
                throw zmq_errno() == ETERM ? .closed : .lastZMQ("zmq_socket \(name)")
            }
            return socket
        }
    }

    /// Starts a socket's owner thread, counted in `socketThreadCount` until `run` calls
    /// `socketThreadFinished()`; when no thread can be started, runs `onFailure` and throws.
    func startSocketThread(
        _ run: @escaping @Sendable () -> Void, onFailure: () -> Void
    ) throws(MessagingError) -> pthread_t {
        state.withLock { $0.socketThreads += 1 }
        do { return try startOwnerThread(run) } catch {
            socketThreadFinished()
            onFailure()
            throw error
        }
    }

    func socketThreadFinished() { state.withLock { $0.socketThreads -= 1 } }
}
