import Synchronization

/// Lets the policy reactor sleep until there may be something new in the log: woken by `signal()`
/// (the sequencer numbered events), or after a timeout (events another instance committed).
///
/// A signal that comes while nobody waits is kept, so the next wait returns at once.
final class WakeUp: Sendable {
    private let state = Mutex<(pending: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns at the next signal (or at once for one already given), after `timeout`, or when
    /// the task is cancelled.
    func wait(upTo timeout: Duration) async {
        // A timer cancelled because the wait ended otherwise must not signal: that signal would be
        // kept for the next wait, which would return at once and start another timer, and the
        // reactor would read the log in a loop, a core busy while nothing happens.
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self.signal()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            self.signal()
        }
        timer.cancel()
        await timer.value
        // A timer that fired as a signal came left one pending: the caller reads the log next anyway.
        state.withLock { $0.pending = false }
    }

    /// Takes a signal given since the last wait, without waiting: whether there was one.
    func take() -> Bool {
        state.withLock { state in
            defer { state.pending = false }
            return state.pending
        }
    }

    /// A signal is kept for the next wait (for tests).
    var isPending: Bool { state.withLock { $0.pending } }
}
