import BoxOfficeRedis
import Foundation
import Logging
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A client on the shared stack's Redis plus a key prefix no other test uses; the keys under
/// the prefix are deleted afterwards.
func withTestClient(
    poolSizeMax: Int = 4,
    _ body: (RedisClient, String) async throws -> Void
) async throws {
    let configuration = try RedisConfiguration(url: TestEnvironment.redisURL)
    let client = RedisClient(
        configuration: configuration,
        poolSizeMax: poolSizeMax,
        acquireTimeout: .seconds(5),
        logger: Logger(label: "redis-test")
    )
    let prefix = TestEnvironment.uniqueName("redistest") + ":"
    do {
        try await body(client, prefix)
    } catch {
        try? await deleteKeys(prefix, client)
        await client.shutdown()
        throw error
    }
    try await deleteKeys(prefix, client)
    await client.shutdown()
}

private func deleteKeys(_ prefix: String, _ client: RedisClient) async throws {
    guard case .array(let keys) = try await client.command(RedisCommand("KEYS", prefix + "*")) else { return }
    let names = keys.compactMap { reply -> String? in
        if case .string(let bytes) = reply { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }
    _ = try await client.delete(names)
}

/// A `redis-server` of the test's own, on a free port, that the test may kill or freeze
/// without touching the shared stack.
final class ChildRedisServer: @unchecked Sendable {
    /// How long the server may take to start accepting connections.
    static let startTimeoutMilliseconds = 10_000

    let port: Int
    private let process: Process

    init() throws {
        self.port = try Self.freePort()
        self.process = Process()
        self.process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        self.process.arguments = [
            "redis-server", "--port", String(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--loglevel", "warning", "--enable-debug-command", "local",
        ]
        self.process.standardOutput = FileHandle.nullDevice
        self.process.standardError = FileHandle.nullDevice
        try self.process.run()
        try self.waitUntilReady()
    }

    deinit {
        if self.process.isRunning {
            Glibc.kill(self.process.processIdentifier, SIGCONT)
            Glibc.kill(self.process.processIdentifier, SIGKILL)
            self.process.waitUntilExit()
        }
    }

    var url: String { "redis://127.0.0.1:\(self.port)" }

    /// Kills the server and waits until it is gone.
    func stop() {
        Glibc.kill(self.process.processIdentifier, SIGKILL)
        self.process.waitUntilExit()
    }

    /// Freezes the server: connections stay open (the kernel even accepts new ones) but
    /// nothing answers.
    func freeze() { Glibc.kill(self.process.processIdentifier, SIGSTOP) }

    /// Lets a frozen server run again.
    func thaw() { Glibc.kill(self.process.processIdentifier, SIGCONT) }

    private func waitUntilReady() throws {
        let deadline = ContinuousClock.now + .milliseconds(Self.startTimeoutMilliseconds)
        while ContinuousClock.now < deadline {
            if (try? ChildProcess.run(["redis-cli", "-p", String(self.port), "PING"]))?.contains("PONG") == true {
                return
            }
            usleep(50_000)
        }
        throw ServerStartFailure(reason: "redis-server did not start on port \(self.port)")
    }

    /// A port nothing listens on: bind to port 0 and let the kernel choose.
    private static func freePort() throws -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketDescriptor, $0, length) == 0 && getsockname(socketDescriptor, $0, &length) == 0
            }
        }
        guard bound else { throw ServerStartFailure(reason: "no free port (errno \(errno))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct ServerStartFailure: Error {
    var reason: String
}

/// How long `body` takes, and what it threw.
func timed<Result>(_ body: () async throws -> Result) async -> (Duration, Swift.Result<Result, any Error>) {
    let start = ContinuousClock.now
    do {
        let value = try await body()
        return (ContinuousClock.now - start, .success(value))
    } catch {
        return (ContinuousClock.now - start, .failure(error))
    }
}
