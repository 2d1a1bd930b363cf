#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A mutex with one condition variable, for threads that wait for work.
///
/// `Synchronization.Mutex` has no condition variable; the dedicated threads that run blocking C
/// calls need to sleep until work arrives, so this wraps the pthread pair.
public final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let cond: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        self.mutex = .allocate(capacity: 1)
        self.cond = .allocate(capacity: 1)
        precondition(pthread_mutex_init(self.mutex, nil) == 0)
        precondition(pthread_cond_init(self.cond, nil) == 0)
    }

    deinit {
        pthread_cond_destroy(self.cond)
        pthread_mutex_destroy(self.mutex)
        self.cond.deallocate()
        self.mutex.deallocate()
    }

    /// Runs `body` with the mutex held.
    public func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(self.mutex)
        defer { pthread_mutex_unlock(self.mutex) }
        return try body()
    }

    /// Waits for a signal; call with the mutex held (inside ``withLock(_:)``).
    public func wait() {
        pthread_cond_wait(self.cond, self.mutex)
    }

    /// Waits for a signal at most `milliseconds`; returns false on timeout. Call with the mutex held.
    @discardableResult
    public func wait(timeoutMilliseconds milliseconds: Int) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanoseconds = Int(now.tv_nsec) + (milliseconds % 1000) * 1_000_000
        var deadline = timespec()
        deadline.tv_sec = now.tv_sec + time_t(milliseconds / 1000 + nanoseconds / 1_000_000_000)
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        return pthread_cond_timedwait(self.cond, self.mutex, &deadline) == 0
    }

    /// Wakes one waiter; call with the mutex held.
    public func signal() { pthread_cond_signal(self.cond) }

    /// Wakes every waiter; call with the mutex held.
    public func broadcast() { pthread_cond_broadcast(self.cond) }
}
