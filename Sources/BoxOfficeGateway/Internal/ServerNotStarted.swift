/// The server stopped before it listened.
struct ServerNotStarted: Error {}
