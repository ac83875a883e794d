import Synchronization

/// Where the running service is in its life, shared by the sockets, the relay and `/health`.
///
/// The sockets are bound before the schema is migrated, so that a client can connect at once; while
/// `starting`, requests are answered `unavailable` rather than queued without an answer. Once
/// `shuttingDown`, new commands are answered `shutting_down` while those in flight finish.
public final class ServiceState: Sendable {
    public enum Phase: String, Sendable {
        case starting, serving
        case shuttingDown = "shutting_down"
    }

    private struct State {
        var phase: Phase
        var waiting: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var lastWaiter: UInt64 = 0
    }

    private let state: Mutex<State>

    public init(_ phase: Phase = .starting) {
        state = Mutex(State(phase: phase))
    }

    public var phase: Phase { state.withLock { $0.phase } }

    /// The schema is in place: start serving (unless already stopping).
    public func markServing() { move(to: .serving) }

    /// Stop taking new work. Final: a stopping service never serves again.
    public func markShuttingDown() { move(to: .shuttingDown) }

    /// Waits until the service serves (true), or stops or the task is cancelled before it did (false).
    public func waitUntilServing() async -> Bool {
        let id = state.withLock { state in
            state.lastWaiter += 1
            return state.lastWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool? in
                    if Task.isCancelled { return false }
                    switch state.phase {
                    case .serving: return true
                    case .shuttingDown: return false
                    case .starting:
                        state.waiting[id] = continuation
                        return nil
                    }
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            state.withLock { $0.waiting.removeValue(forKey: id) }?.resume(returning: false)
        }
    }

    private func move(to phase: Phase) {
        let (waiting, serving) = state.withLock { state -> ([CheckedContinuation<Bool, Never>], Bool) in
            guard state.phase != .shuttingDown, state.phase != phase else { return ([], false) }
            state.phase = phase
            defer { state.waiting = [:] }
            return (Array(state.waiting.values), phase == .serving)
        }
        for continuation in waiting { continuation.resume(returning: serving) }
    }
}
