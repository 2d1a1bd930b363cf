import NIOCore
import NIOPosix
import Synchronization

/// A bare TCP client for feeding the server bytes no well-behaved client would send.
enum RawSocket {
    struct Exchange {
        var received: [UInt8]
        /// The server closed the connection (rather than the wait running out).
        var closedByServer: Bool
    }

    /// Writes `bytes`, then collects what comes back until the server closes or `wait` passes.
    static func exchange(port: Int, _ bytes: [UInt8], wait: Duration) async throws -> Exchange {
        let received = Collected()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        // The server may close before all is written; that is an outcome, not a test failure.
        try? await channel.writeAndFlush(ByteBuffer(bytes: bytes))
        let timer = channel.eventLoop.scheduleTask(
            in: .nanoseconds(
                Int64(wait.components.seconds) * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000
            )
        ) {
            received.timedOut.store(true, ordering: .relaxed)
            channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
        timer.cancel()
        return Exchange(
            received: received.bytes.withLock { $0 },
            closedByServer: !received.timedOut.load(ordering: .relaxed)
        )
    }

    private final class Collected: Sendable {
        let bytes = Mutex<[UInt8]>([])
        let timedOut = Atomic<Bool>(false)
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let received: Collected

        init(received: Collected) { self.received = received }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = self.unwrapInboundIn(data)
            self.received.bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
