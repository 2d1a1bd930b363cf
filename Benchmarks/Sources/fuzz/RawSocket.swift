import NIOCore
import NIOPosix

/// A bare TCP client for feeding the server bytes no well-behaved client would send (as the
/// suite's fuzz test does).
enum RawSocket {
    /// Writes `bytes`, then waits until the server closes or `wait` passes; what comes back is
    /// read and dropped.
    static func exchange(port: Int, _ bytes: [UInt8], wait: Duration) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Drain())
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        // The server may close before all is written; that is an outcome, not a finding.
        try? await channel.writeAndFlush(ByteBuffer(bytes: bytes))
        let timer = channel.eventLoop.scheduleTask(
            in: .nanoseconds(
                Int64(wait.components.seconds) * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000
            )
        ) {
            channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
        timer.cancel()
    }

    private final class Drain: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
