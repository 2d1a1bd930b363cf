import Hummingbird
import NIOCore

/// Hummingbird's basic request context plus the request's connection, so that an injected
/// timeout can drop the connection without an answer, as a provider timeout does.
struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
