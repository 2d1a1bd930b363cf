/// Caps the requests in flight: the provider answers 429 past its cap, so we wait locally first.
actor ConcurrencyLimiter {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) { self.available = permits }

    func acquire() async {
        if self.available > 0 {
            self.available -= 1
            return
        }
        await withCheckedContinuation { self.waiters.append($0) }
    }

    func release() {
        if self.waiters.isEmpty {
            self.available += 1
        } else {
            // The permit passes straight to the longest waiter (FIFO), so no call starves.
            self.waiters.removeFirst().resume()
        }
    }

    func withPermit<Result: Sendable, Failure: Error>(
        _ body: () async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        await self.acquire()
        defer { self.release() }
        return try await body()
    }
}
