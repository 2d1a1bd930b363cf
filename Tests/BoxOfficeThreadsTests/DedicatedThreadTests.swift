import BoxOfficeThreads
import Foundation
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

    @Test func blockingCallsDoNotBlockTheCooperativePool() async throws {
        // More threads block at once than the cooperative pool has threads (as many as cores),
        // and each stays blocked until all have arrived: had they run on the pool, they could
        // not all arrive, and the tasks awaiting them would starve.
        // More than the pool's width (one thread per core) on any machine.
        let count = ProcessInfo.processInfo.activeProcessorCount + 2
        let barrier = ConditionLock()
        let arrived = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        arrived.initialize(to: 0)
        defer { arrived.deallocate() }
        let threads = (0..<count).map { DedicatedThread(name: "test-block-\($0)") }
        defer { for thread in threads { thread.shutdown() } }
        nonisolated(unsafe) let counter = arrived
        let allArrived = await withTaskGroup(of: Bool.self) { group in
            for thread in threads {
                group.addTask {
                    await thread.run {
                        let onItsThread = thread.isCurrent
                        return onItsThread
                            && barrier.withLock {
                                counter.pointee += 1
                                barrier.broadcast()
                                var waitedMilliseconds = 0
                                while counter.pointee < count && waitedMilliseconds < 10_000 {
                                    barrier.wait(timeoutMilliseconds: 50)
                                    waitedMilliseconds += 50
                                }
                                return counter.pointee == count
                            }
                    }
                }
            }
            var results: [Bool] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(allArrived.count == count)
        #expect(allArrived.allSatisfy { $0 })
    }

    @Test func jobsEnqueuedAfterShutdownStillRun() async {
        let thread = DedicatedThread(name: "test-after")
        thread.shutdown()
        let value = await thread.run { 42 }
        #expect(value == 42)
    }
}
