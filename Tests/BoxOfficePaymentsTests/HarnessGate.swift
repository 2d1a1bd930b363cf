/// Caps how many payment harnesses (each a database, a sandbox, an RPC server) run at once:
/// Swift Testing starts every test case in parallel, and on a small shared machine dozens of
/// simultaneous CREATE DATABASE and connection starts time out.
actor HarnessGate {
    /// Harnesses alive at once.
    static let concurrentHarnessesMax = 6
    static let shared = HarnessGate(permits: concurrentHarnessesMax)

    private var permits: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) {
        self.permits = permits
    }

    func acquire() async {
        if self.permits > 0 {
            self.permits -= 1
            return
        }
        await withCheckedContinuation { self.waiters.append($0) }
    }

    func release() {
        if self.waiters.isEmpty {
            self.permits += 1
        } else {
            self.waiters.removeFirst().resume()
        }
    }
}
