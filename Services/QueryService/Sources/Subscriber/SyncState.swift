import Synchronization

/// The shared, observable `SyncStatus`: the subscriber writes it, HTTP handlers read it and wait on
/// it (read-your-writes waits for a checkpoint, the live stream waits for any change).
///
/// Waiting never blocks a thread and never polls: a waiter registers a condition and is resumed by
/// the update that satisfies it, by its timeout, or by its task's cancellation, whichever comes first.
/// Code outside Swift concurrency (an event loop) registers a callback instead (`notify`).
public final class SyncState: Sendable {
    private enum Slot {
        case pending(condition: @Sendable (SyncStatus, UInt64) -> Bool)
        case waiting(condition: @Sendable (SyncStatus, UInt64) -> Bool, CheckedContinuation<Bool, Never>)
        case resolved(Bool)
        case notifying(condition: @Sendable (SyncStatus, UInt64) -> Bool, action: @Sendable () -> Void)
    }

    private struct State {
        var status = SyncStatus()
        /// Bumped on every update, so "anything changed since I looked" is a comparison.
        var generation: UInt64 = 0
        var slots: [UInt64: Slot] = [:]
        var lastID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var status: SyncStatus { state.withLock { $0.status } }

    /// Waits and notifications registered and not ended yet.
    public var pendingWaits: Int { state.withLock { $0.slots.count } }

    /// The status with its generation, for a consistent "wait for the next change".
    public var versioned: (status: SyncStatus, generation: UInt64) {
        state.withLock { ($0.status, $0.generation) }
    }

    /// Changes the status and wakes the waiters whose condition now holds.
    public func update(_ change: (inout SyncStatus) -> Void) {
        let (ready, actions) = state.withLock {
            state -> ([CheckedContinuation<Bool, Never>], [@Sendable () -> Void]) in
            let before = state.status
            change(&state.status)
            guard state.status != before else { return ([], []) }
            state.generation &+= 1
            var ready: [CheckedContinuation<Bool, Never>] = []
            var actions: [@Sendable () -> Void] = []
            for (id, slot) in state.slots {
                switch slot {
                case .waiting(let condition, let continuation) where condition(state.status, state.generation):
                    state.slots[id] = nil
                    ready.append(continuation)
                case .notifying(let condition, let action) where condition(state.status, state.generation):
                    state.slots[id] = nil
                    actions.append(action)
                default:
                    break
                }
            }
            return (ready, actions)
        }
        for continuation in ready { continuation.resume(returning: true) }
        for action in actions { action() }
    }

    /// Calls `action` once, on the thread of the update that brings the checkpoint to `position`,
    /// and returns an id for `cancelNotification`; returns nil, calling nothing, when the
    /// checkpoint is there already.
    public func notify(whenCheckpointReaches position: Int, _ action: @escaping @Sendable () -> Void) -> UInt64? {
        state.withLock { state in
            if state.status.checkpoint >= position { return nil }
            state.lastID += 1
            state.slots[state.lastID] = .notifying(
                condition: { status, _ in status.checkpoint >= position }, action: action)
            return state.lastID
        }
    }

    /// Withdraws a `notify` that has not been called yet.
    public func cancelNotification(_ id: UInt64) {
        state.withLock { state in
            if case .notifying = state.slots[id] { state.slots[id] = nil }
        }
    }

    /// Waits until the checkpoint reaches `position`; false after `timeout` or on cancellation.
    public func waitForCheckpoint(atLeast position: Int, timeout: Duration) async -> Bool {
        await wait(timeout: timeout) { status, _ in status.checkpoint >= position }
    }

    /// Waits until the status changes after `generation`; false after `timeout` or on cancellation.
    public func waitForChange(after generation: UInt64, timeout: Duration) async -> Bool {
        await wait(timeout: timeout) { _, current in current != generation }
    }

    private func wait(timeout: Duration, until condition: @escaping @Sendable (SyncStatus, UInt64) -> Bool) async
        -> Bool
    {
        let id = state.withLock { state -> UInt64? in
            if condition(state.status, state.generation) { return nil }
            state.lastID += 1
            state.slots[state.lastID] = .pending(condition: condition)
            return state.lastID
        }
        guard let id else { return true }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.resolve(id, false)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let now = state.withLock { state -> Bool? in
                    switch state.slots[id] {
                    case .resolved(let outcome):
                        state.slots[id] = nil
                        return outcome
                    case .pending(let condition):
                        if condition(state.status, state.generation) {
                            state.slots[id] = nil
                            return true
                        }
                        state.slots[id] = .waiting(condition: condition, continuation)
                        return nil
                    case .waiting, .notifying, nil:
                        return false
                    }
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            resolve(id, false)
        }
    }

    /// Ends waiter `id` with `outcome` (timeout, cancellation) unless it already ended.
    private func resolve(_ id: UInt64, _ outcome: Bool) {
        let continuation = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            switch state.slots[id] {
            case .pending:
                state.slots[id] = .resolved(outcome)
                return nil
            case .waiting(_, let continuation):
                state.slots[id] = nil
                return continuation
            case .resolved, .notifying, nil:
                return nil
            }
        }
        continuation?.resume(returning: outcome)
    }
}
