import BoxOfficeCloudPayments
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The merchant's notification endpoint in miniature: one path per notification type, keeping
/// every POST exactly as received (raw body, headers) and answering with what `answer` picks.
final class NotificationReceiver: Sendable {
    struct Received: Sendable {
        var kind: NotificationKind
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// How long ``wait(for:count:)`` waits before returning what it has.
    static let waitMillisecondsMax = 10_000

    private static let quietLogger: Logger = {
        var logger = Logger(label: "notification-receiver")
        logger.logLevel = .critical
        return logger
    }()

    private let received = Mutex<[Received]>([])
    private let answer: @Sendable (NotificationKind) -> NotificationAnswer

    init(answer: @escaping @Sendable (NotificationKind) -> NotificationAnswer = { _ in .accepted }) {
        self.answer = answer
    }

    func received(_ kind: NotificationKind) -> [Received] { received.withLock { $0.filter { $0.kind == kind } } }

    var all: [Received] { received.withLock { $0 } }

    /// Waits until `count` notifications of `kind` arrived (or the wait runs out); returns them.
    func wait(for kind: NotificationKind, count: Int) async throws -> [Received] {
        let deadline = ContinuousClock.now + .milliseconds(Self.waitMillisecondsMax)
        while ContinuousClock.now < deadline {
            let got = self.received(kind)
            if got.count >= count { return got }
            try await Task.sleep(for: .milliseconds(10))
        }
        return self.received(kind)
    }

    /// The URL of each type under `baseURL`.
    static func urls(_ baseURL: String) -> [NotificationKind: String] {
        Dictionary(
            uniqueKeysWithValues: NotificationKind.allCases.map { ($0, baseURL + "/" + $0.rawValue.lowercased()) }
        )
    }

    /// Runs the receiver for the duration of `body`, handing it the base URL.
    func withRunning<Result: Sendable>(_ body: (String) async throws -> Result) async throws -> Result {
        let router = Router()
        router.post(":kind") { request, context in
            let name = try context.parameters.require("kind")
            guard let kind = NotificationKind.allCases.first(where: { $0.rawValue.lowercased() == name }) else {
                return Response(status: .notFound)
            }
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            let headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
            self.received.withLock { $0.append(Received(kind: kind, headers: headers, body: Array(buffer: buffer))) }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: self.answer(kind).jsonBytes))
            )
        }
        let (ports, portInput) = AsyncStream.makeStream(of: Int.self)
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
            var iterator = ports.makeAsyncIterator()
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
