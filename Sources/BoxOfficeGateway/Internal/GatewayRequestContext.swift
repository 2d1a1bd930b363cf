import Hummingbird
import NIOCore

/// Hummingbird's basic context plus the TCP peer's address, from which the client's is read.
struct GatewayRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The TCP peer's IP address; nil for a Unix socket or an address NIO could not read.
    let peerAddress: String?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }
}
