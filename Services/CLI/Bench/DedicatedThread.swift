import Foundation

/// Runs blocking work (POSIX socket reads) on a thread of its own and awaits its result.
///
/// The cooperative pool has as many threads as cores (two here); a blocking `recv` on one of them
/// would stall every task. A thread per HTTP client costs little and keeps the pool free.
func onDedicatedThread<T: Sendable>(name: String, _ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread {
            continuation.resume(returning: work())
        }
        thread.name = name
        thread.start()
    }
}
