#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts `body` on an OS thread of its own: libzmq's blocking calls must stay off Swift's small
/// cooperative pool, and a socket must stay on the one thread that made it. Join the thread returned.
func startOwnerThread(_ body: @escaping @Sendable () -> Void) throws(MessagingError) -> pthread_t {
    let retained = Unmanaged.passRetained(ThreadEntry(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(
        &thread, nil,
        { argument in
            Unmanaged<ThreadEntry>.fromOpaque(argument!).takeRetainedValue().body()
            return nil
        }, retained)
    guard rc == 0 else {
        Unmanaged<ThreadEntry>.fromOpaque(retained).release()
        throw .code(rc, "pthread_create")
    }
    return thread
}

private final class ThreadEntry: Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}
