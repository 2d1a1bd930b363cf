public import NIOCore

/// A `TaskExecutor` that runs jobs on one NIO event loop.
///
/// A task that prefers it (`withTaskExecutorPreference`, `Task(executorPreference:)`) resumes on
/// the loop that completed its I/O: a continuation resumed from that loop is queued behind the
/// current event and runs on the same thread, with no wake-up of another thread. Work under the
/// preference must not block, as it holds up every channel of the loop.
public final class EventLoopExecutor: TaskExecutor {
    /// The loop the jobs run on.
    public let eventLoop: any EventLoop

    /// An executor for `eventLoop`.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Queues `job` on the loop.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
