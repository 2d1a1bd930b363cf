import Hummingbird
import NIOCore

/// Hummingbird's basic context plus the client's address, which the per-client rate limit keys on.
struct GatewayRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The TCP peer's IP address; nil for a Unix socket or an address NIO could not read.
    let clientAddress: String?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
