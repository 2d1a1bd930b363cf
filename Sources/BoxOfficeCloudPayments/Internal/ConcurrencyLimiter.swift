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

    // Nonisolated: the body runs in the caller's context, not on the actor, so it need not be
    // Sendable and does not serialize the calls it is meant only to count.
    nonisolated func withPermit<Value: Sendable, Failure: Error>(
        _ body: () async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        await self.acquire()
        let result: Result<Value, Failure>
        do throws(Failure) {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        await self.release()
        return try result.get()
    }
}
