import Synchronization

/// Bounded waiting for work that may not honour cancellation.
///
/// A request must get its answer on time even when the database hangs: PostgresNIO's pool keeps a
/// lease request waiting until its circuit breaker trips (a minute), and a query on a dead
/// connection may never return. A task group would wait for such a child at its end; this does not.
/// The operation runs in a task of its own, is cancelled when the deadline passes, and is left to
/// finish by itself while the caller moves on.
enum Deadline {
    /// The operation had no answer within its time.
    struct Exceeded: Error, CustomStringConvertible {
        let duration: Duration
        var description: String { "no answer within \(duration)" }
    }

    static func run<T: Sendable>(
        within duration: Duration, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation, duration: duration, operation)
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// Whichever ends first, the operation or its timer, resumes the caller; the other is cancelled.
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, any Error>?
            var outcome: Result<T, any Error>?
            var tasks: [Task<Void, Never>] = []
        }
        private let state = Mutex(State())

        func start(
            _ continuation: CheckedContinuation<T, any Error>, duration: Duration,
            _ operation: @escaping @Sendable () async throws -> T
        ) {
            let early = state.withLock { state -> Result<T, any Error>? in
                if let outcome = state.outcome { return outcome }
                state.continuation = continuation
                return nil
            }
            if let early { return continuation.resume(with: early) }
            let work = Task {
                do {
                    self.finish(.success(try await operation()))
                } catch {
                    self.finish(.failure(error))
                }
            }
            let timer = Task {
                do {
                    try await Task.sleep(for: duration)
                    self.finish(.failure(Exceeded(duration: duration)))
                } catch {}
            }
            let tasks = [work, timer]
            let finished = state.withLock { state in
                if state.outcome == nil { state.tasks = tasks }
                return state.outcome != nil
            }
            if finished { for task in tasks { task.cancel() } }
        }

        /// The first call wins: it resumes the caller and cancels whatever still runs.
        func finish(_ outcome: Result<T, any Error>) {
            let (continuation, tasks) = state.withLock {
                state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
                guard state.outcome == nil else { return (nil, []) }
                state.outcome = outcome
                defer {
                    state.continuation = nil
                    state.tasks = []
                }
                return (state.continuation, state.tasks)
            }
            for task in tasks { task.cancel() }
            continuation?.resume(with: outcome)
        }
    }
}
