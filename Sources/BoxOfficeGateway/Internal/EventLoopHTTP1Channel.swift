import BoxOfficeRPCNIO
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 channel, with each connection's task preferring the connection's
/// event loop as its executor.
///
/// Hummingbird runs a connection's requests in a task on the global pool, so each request costs
/// a wake-up of a pool thread when its head arrives and one of the loop when the answer is
/// written, and the gateway adds two more per upstream call. Under the preference the task
/// resumes on the loop that delivered the I/O, queued behind the current event: with the
/// upstream connection on the same loop (``NIORPCClientTransport`` picks one) a request crosses
/// no thread. Nothing the gateway does per request blocks; the responder's work is transcoding.
struct EventLoopHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        self.base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopExecutor(value.channel.eventLoop)) {
            await self.base.handle(value: value, logger: logger)
        }
    }
}
