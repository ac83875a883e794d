import Foundation

/// A task executor with a thread of its own, for what stands in for another process in a test
/// (a fake command service): run with `Task(executorPreference:)`, its tasks never wait behind the
/// hundreds of tests sharing Swift's cooperative pool (two threads on this machine), just as a
/// real peer in its own process would not. A peer that answers late only because the test process
/// was busy would make a reader's timeouts fire in a test that is not about them.
///
/// The thread ends once `shutdown()` is called and the jobs queued before it have run.
public final class OwnThreadExecutor: TaskExecutor, @unchecked Sendable {
    // Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private let condition = NSCondition()

    public init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once its queue is empty.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
