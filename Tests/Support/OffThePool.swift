import Foundation

/// Runs blocking work (waiting for a child process, reading its pipe to the end) on a thread of its
/// own: the cooperative pool has two threads on this kind of machine, and a test blocking one of
/// them starves every other test running alongside it.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}
