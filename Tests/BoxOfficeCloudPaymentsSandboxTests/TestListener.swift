import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A small local HTTP server that records every POST it gets (the raw body and headers) and
/// answers with the text its `answer` rule picks: the test's notification endpoint and TermUrl.
final class TestListener: Sendable {
    struct Received: Sendable {
        var path: String
        /// Headers by lowercased name.
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var fields: [(String, String)] {
            text.split(separator: "&", omittingEmptySubsequences: false).map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                func decode(_ s: Substring) -> String {
                    s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
                }
                return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
            }
        }
        func field(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }
    }

    /// Hummingbird logs the end of its accept loop at error level when shut down; for a test
    /// helper that is noise.
    private static let quietLogger: Logger = {
        var logger = Logger(label: "test-listener")
        logger.logLevel = .critical
        return logger
    }()

    private let received = Mutex<[Received]>([])
    /// Answer text by path and attempt number (0-based) for that path.
    private let answer: @Sendable (String, Int) -> String

    init(answer: @escaping @Sendable (String, Int) -> String = { _, _ in #"{"code":0}"# }) {
        self.answer = answer
    }

    var all: [Received] { received.withLock { $0 } }

    func requests(_ path: String) -> [Received] { all.filter { $0.path == path } }

    /// Waits until `path` got `count` requests or the deadline passes; returns what it got.
    func wait(for path: String, count: Int, seconds: Double = 10) async throws -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let got = self.requests(path)
            if got.count >= count { return got }
            try await Task.sleep(for: .milliseconds(20))
        }
        return self.requests(path)
    }

    /// Runs the listener for the duration of `body`, handing it the base URL.
    func withRunning<Result: Sendable>(_ body: (String) async throws -> Result) async throws -> Result {
        let router = Router()
        router.post("**") { request, _ in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let path = request.uri.path
            let attempt = self.received.withLock { received in
                let attempt = received.filter { $0.path == path }.count
                received.append(Received(path: path, headers: headers, body: Array(buffer: buffer)))
                return attempt
            }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: self.answer(path, attempt)))
            )
        }
        let (portStream, portInput) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portInput.yield(channel.localAddress?.port ?? 0) },
            logger: Self.quietLogger
        )
        let services = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [application], logger: Self.quietLogger)
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = portStream.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            do {
                let result = try await body("http://127.0.0.1:\(port)")
                await services.triggerGracefulShutdown()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
        }
    }
}
