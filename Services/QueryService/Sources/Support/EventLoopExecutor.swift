import NIOCore

/// Runs a task's code on one NIO event loop thread: the subscriber's own thread.
///
/// A live batch is a handful of SQLite statements, well under a millisecond. On the cooperative pool
/// each one took three hand-offs between threads — the message resumes the task on a pool thread,
/// the transaction hops to GRDB's writer queue, the result hops back — and on two busy cores each
/// wake-up waits its turn. With this preference the subscriber resumes on its own thread, where it
/// may also write synchronously (`ProjectionStore.applyNow`) without holding up any other task.
final class EventLoopExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
