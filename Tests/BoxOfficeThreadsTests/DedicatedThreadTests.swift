import BoxOfficeThreads
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct DedicatedThreadTests {
    @Test func runExecutesOnTheThreadAndReturnsTheResult() async throws {
        let thread = DedicatedThread(name: "test-run")
        defer { thread.shutdown() }
        let onThread = await thread.run { thread.isCurrent }
        #expect(onThread)
        #expect(!thread.isCurrent)
    }

    @Test func errorsPropagate() async {
        struct Boom: Error {}
        let thread = DedicatedThread(name: "test-error")
        defer { thread.shutdown() }
        await #expect(throws: Boom.self) { try await thread.run { throw Boom() } }
    }

    @Test func preferenceKeepsNonisolatedCodeOnTheThreadAcrossAwaits() async {
        let thread = DedicatedThread(name: "test-pref")
        defer { thread.shutdown() }
        let results = await thread.withPreference { () async -> [Bool] in
            var seen: [Bool] = []
            for _ in 0..<100 {
                seen.append(await thread.run { thread.isCurrent })
                await Task.yield()
                seen.append(thread.isCurrent)
            }
            return seen
        }
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0 })
    }

    @Test func blockingCallsDoNotBlockTheCooperativePool() async {
        // Two threads each sleep 300 ms; the pool stays free to run a counter meanwhile.
        let first = DedicatedThread(name: "test-block-1")
        let second = DedicatedThread(name: "test-block-2")
        defer {
            first.shutdown()
            second.shutdown()
        }
        let start = ContinuousClock.now
        async let a: Void = first.run { usleep(300_000) }
        async let b: Void = second.run { usleep(300_000) }
        var ticks = 0
        while ContinuousClock.now - start < .milliseconds(200) {
            ticks += 1
            await Task.yield()
        }
        _ = await (a, b)
        #expect(ticks > 10)
        #expect(ContinuousClock.now - start < .milliseconds(550))
    }

    @Test func jobsEnqueuedAfterShutdownStillRun() async {
        let thread = DedicatedThread(name: "test-after")
        thread.shutdown()
        let value = await thread.run { 42 }
        #expect(value == 42)
    }
}
