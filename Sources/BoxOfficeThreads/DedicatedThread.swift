#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A thread of its own that runs Swift tasks, for code that makes blocking C calls.
///
/// libpq, rabbitmq-c and hiredis block their calling thread on network I/O. Doing that on the
/// cooperative pool would starve every other task of the process, so each C handle gets one
/// `DedicatedThread` and its calls run there. The thread is a `TaskExecutor`: code that runs
/// under `withTaskExecutorPreference(thread)` (see ``run(_:)``) stays on it across awaits, so a
/// scope that makes many calls pays for one thread hop, not one per call.
///
/// Jobs run in the order they were enqueued. After ``shutdown()`` the thread ends once its queue
/// is empty; later jobs run on the global concurrent executor so that no task is ever lost.
public final class DedicatedThread: TaskExecutor, @unchecked Sendable {
    /// What the thread is for, shown in diagnostics.
    public let name: String

    // Guarded by `condition`.
    private let condition = ConditionLock()
    private var jobs: [UnownedJob] = []
    private var state: State = .running
    private var thread: pthread_t?

    private enum State { case running, stopping, stopped }

    /// Starts the thread.
    public init(name: String) {
        self.name = name
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(
            &thread,
            nil,
            { argument in
                let owner = Unmanaged<DedicatedThread>.fromOpaque(argument!).takeRetainedValue()
                owner.loop()
                return nil
            },
            box.toOpaque()
        )
        precondition(result == 0, "pthread_create failed with \(result)")
        self.condition.withLock { self.thread = thread }
    }

    deinit {
        // The loop holds a strong reference while it runs, so deinit only happens after it ended.
    }

    /// True when the calling code runs on this thread.
    public var isCurrent: Bool {
        guard let thread = self.condition.withLock({ self.thread }) else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Runs `body` on this thread and returns its result.
    ///
    /// When the caller already runs on this thread (inside another `run` or under this thread's
    /// task executor preference) no hop is made.
    public func run<Result, Failure: Error>(
        _ body: () throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        if self.isCurrent { return try body() }
        // `run` is nonisolated, so the operation inherits no actor and runs on the preferred
        // task executor: this thread.
        return try await withTaskExecutorPreference(self) { () throws(Failure) -> Result in
            try body()
        }
    }

    /// Runs `body` with this thread as the task executor preference: nonisolated async code in
    /// it, and the blocking calls it makes through ``run(_:)``, stay on this thread.
    public func withPreference<Result, Failure: Error>(
        _ body: () async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        try await withTaskExecutorPreference(self) { () async throws(Failure) -> Result in
            try await body()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let accepted = self.condition.withLock {
            guard self.state == .running || self.state == .stopping else { return false }
            self.jobs.append(unowned)
            self.condition.signal()
            return true
        }
        if !accepted {
            // Not inline: the enqueuing thread may be an event loop or another C library's owner.
            globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
        }
    }

    /// Asks the thread to end once the jobs already queued have run, and waits until it has.
    ///
    /// Must not be called from the thread itself.
    public func shutdown() {
        precondition(!self.isCurrent, "DedicatedThread.shutdown() called on its own thread")
        let thread: pthread_t? = self.condition.withLock {
            if self.state == .running {
                self.state = .stopping
                self.condition.signal()
                return self.thread
            }
            return nil
        }
        if let thread { pthread_join(thread, nil) }
    }

    private func loop() {
        var batch: [UnownedJob] = []
        while true {
            let stop: Bool = self.condition.withLock {
                while self.jobs.isEmpty && self.state == .running { self.condition.wait() }
                swap(&batch, &self.jobs)
                if batch.isEmpty && self.state == .stopping {
                    self.state = .stopped
                    return true
                }
                return false
            }
            if stop { return }
            let executor = self.asUnownedTaskExecutor()
            for job in batch { job.runSynchronously(on: executor) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
