import Synchronization

/// The port a server bound, for those waiting on it: `port()` suspends until the server calls
/// `bound(_:)` (or `fail(_:)`), then every waiter, earlier or later, gets the same answer.
///
/// Servers that listen on port 0 in tests (the RPC server, the gateway) share it.
public final class BoundPort: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(any Error)
    }

    private let state = Mutex(State.waiting([]))

    public init() {}

    /// The bound port, once known; throws the error the server failed with.
    public func port() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<Int, any Error>? = self.state.withLock { state in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .bound(let port): return .success(port)
                case .failed(let error): return .failure(error)
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// Records the port and wakes every waiter; later calls change nothing.
    public func bound(_ port: Int) { self.finish(.bound(port), .success(port)) }

    /// Records that the server will never listen and wakes every waiter with `error`.
    public func fail(_ error: any Error) { self.finish(.failed(error), .failure(error)) }

    private func finish(_ final: State, _ result: Result<Int, any Error>) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = final
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
