import Synchronization

/// The port a server bound, for those waiting on it.
final class BoundPort: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(any Error)
    }

    private let state = Mutex(State.waiting([]))

    func port() async throws -> Int {
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

    func bound(_ port: Int) { self.finish(.bound(port), .success(port)) }

    func fail(_ error: any Error) { self.finish(.failed(error), .failure(error)) }

    private func finish(_ final: State, _ result: Result<Int, any Error>) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = final
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}

/// The server stopped before it listened.
struct ServerNotStarted: Error {}
