import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small HTTP server on 127.0.0.1 that records every request and answers from a script of
/// canned provider answers.
///
/// This is a test peer for checking the exact bytes the client sends and how it reacts to
/// answers; it is not the sandbox (which emulates the provider) and decides nothing itself.
final class RecordingServer: Sendable {
    struct Request: Sendable {
        var method: HTTPMethod
        var uri: String
        var headers: HTTPHeaders
        var body: String
    }

    struct Reply: Sendable {
        var status: Int
        var body: String
        var delayMilliseconds: Int64 = 0
    }

    private struct State {
        var requests: [Request] = []
        var replies: [Reply]
        var inFlight = 0
        var inFlightMax = 0
    }

    private let state: Mutex<State>
    let port: Int

    private init(port: Int, replies: [Reply]) {
        self.port = port
        self.state = Mutex(State(replies: replies))
    }

    var requests: [Request] { self.state.withLock { $0.requests } }
    var inFlightMax: Int { self.state.withLock { $0.inFlightMax } }
    var baseURL: String { "http://127.0.0.1:\(self.port)" }

    /// Runs `body` with a server that answers with `replies` in order (the last one repeats).
    static func with<Result: Sendable>(
        replies: [Reply],
        _ body: (RecordingServer) async throws -> Result
    ) async throws -> Result {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: child
                    )
                }
            }
        let server = RecordingServer(port: channel.channel.localAddress!.port!, replies: replies)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await withThrowingDiscardingTaskGroup { connections in
                    try await channel.executeThenClose { inbound in
                        for try await connection in inbound {
                            connections.addTask { try? await server.serve(connection) }
                        }
                    }
                }
            }
            defer { group.cancelAll() }
            return try await body(server)
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body.clear()
                case .body(var chunk):
                    body.writeBuffer(&chunk)
                case .end:
                    guard let head else { return }
                    let reply = self.state.withLock { state in
                        state.requests.append(
                            Request(
                                method: head.method,
                                uri: head.uri,
                                headers: head.headers,
                                body: String(buffer: body)
                            )
                        )
                        state.inFlight += 1
                        state.inFlightMax = max(state.inFlightMax, state.inFlight)
                        return state.replies.count > 1 ? state.replies.removeFirst() : state.replies[0]
                    }
                    if reply.delayMilliseconds > 0 {
                        try? await Task.sleep(for: .milliseconds(reply.delayMilliseconds))
                    }
                    self.state.withLock { $0.inFlight -= 1 }
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
                    headers.add(name: "Content-Length", value: String(reply.body.utf8.count))
                    try await outbound.write(
                        .head(
                            HTTPResponseHead(
                                version: .http1_1,
                                status: .init(statusCode: reply.status),
                                headers: headers
                            )
                        )
                    )
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(string: reply.body))))
                    try await outbound.write(.end(nil))
                }
            }
        }
    }
}
