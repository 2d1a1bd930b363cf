/// When a connection flushes: writes made while reading wait for the end of the read burst, and
/// writes made outside a read share one flush scheduled after the work already queued on the loop.
/// That coalescing is what keeps a system call per call off the hot path of both ends.
struct FlushStateMachine: Equatable {
    /// What to do after a write.
    enum WriteAction: Equatable {
        /// Nothing: a flush is already due (end of the read, or one scheduled).
        case none
        /// Schedule one flush on the event loop and report it with ``scheduledFlushRan()``.
        case scheduleFlush
    }

    private(set) var reading = false
    private(set) var flushPending = false
    private(set) var flushScheduled = false

    /// A read burst began.
    mutating func readStarted() {
        self.reading = true
    }

    /// The read burst ended; true when writes made during it must be flushed now.
    mutating func readCompleted() -> Bool {
        self.reading = false
        defer { self.flushPending = false }
        return self.flushPending
    }

    /// A frame was written (not flushed).
    mutating func wrote() -> WriteAction {
        if self.reading {
            self.flushPending = true
            return .none
        }
        guard !self.flushScheduled else { return .none }
        self.flushScheduled = true
        return .scheduleFlush
    }

    /// The scheduled flush is running: flush now.
    mutating func scheduledFlushRan() {
        self.flushScheduled = false
    }

    /// The connection is about to close; true when writes are waiting for a flush (at the end of
    /// a read, or a scheduled one that would run after the close), so that they go out first.
    mutating func closing() -> Bool {
        defer { self.flushPending = false }
        return self.flushPending || self.flushScheduled
    }
}
