import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A non-blocking pipe whose read end the owner thread polls next to its socket (zmq_poll
/// accepts plain descriptors), so other threads can interrupt its blocking zmq_poll without
/// touching the socket, which libzmq does not allow from a second thread.
/// (A pipe rather than eventfd: Swift's Glibc module does not export eventfd.)
final class Waker: Sendable {
    /// Polled by the owner thread; valid until `close()`, which only the owner calls.
    let descriptor: Int32
    private let writeEnd: Int32
    /// Guards writes against `close()`: a write after close could hit a reused descriptor.
    private let open = Mutex(true)

    init() throws(MessagingError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw .code(errno, "pipe") }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        descriptor = ends[0]
        writeEnd = ends[1]
    }

    /// Any thread: makes the descriptor readable (no-op once closed). A full pipe is fine:
    /// it is readable already.
    func wake() {
        open.withLock { open in
            guard open else { return }
            var byte: UInt8 = 1
            _ = write(writeEnd, &byte, 1)
        }
    }

    /// Owner thread: empties the pipe after poll reported it readable.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(descriptor, &buffer, buffer.count) > 0 {}
    }

    /// Owner thread, once, when it is done.
    func close() {
        open.withLock { open in
            if open {
                _ = closeDescriptor(descriptor)
                _ = closeDescriptor(writeEnd)
            }
            open = false
        }
    }
}

private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
        Glibc.close(descriptor)
    #else
        Darwin.close(descriptor)
    #endif
}
