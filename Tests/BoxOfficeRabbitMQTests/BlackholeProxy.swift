import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A TCP proxy to a local port that can be told to drop every byte in both directions while
/// keeping the sockets open: to the client, the broker then looks like a dead peer (no error, no
/// data, no heartbeats), which only heartbeats can detect.
final class BlackholeProxy: Sendable {
    /// The port clients connect to.
    let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let state = Mutex(State())

    private struct State {
        var blackholed = false
        var stopped = false
        var sockets: [Int32] = []
    }

    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw ProxyError.socket(errno) }
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw ProxyError.socket(errno) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        self.port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { self.acceptLoop() }
    }

    /// While true, bytes in both directions are read and dropped.
    var blackholed: Bool {
        get { self.state.withLock { $0.blackholed } }
        set { self.state.withLock { $0.blackholed = newValue } }
    }

    /// Closes the listener and every proxied connection.
    func stop() {
        let sockets = self.state.withLock { state in
            state.stopped = true
            return state.sockets
        }
        shutdown(self.listener, Int32(SHUT_RDWR))
        close(self.listener)
        for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let client = accept(self.listener, nil, nil)
            guard client >= 0 else { return }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: self.upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            let stopped = self.state.withLock { state in
                state.sockets += [client, upstream]
                return state.stopped
            }
            guard connected == 0, !stopped else {
                close(client)
                close(upstream)
                continue
            }
            Thread.detachNewThread { self.pump(from: client, to: upstream) }
            Thread.detachNewThread { self.pump(from: upstream, to: client) }
        }
    }

    private func pump(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            if self.blackholed { continue }
            let written = buffer.withUnsafeBytes { write(destination, $0.baseAddress, count) }
            guard written == count else { break }
        }
        shutdown(destination, Int32(SHUT_RDWR))
        shutdown(source, Int32(SHUT_RDWR))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    enum ProxyError: Error {
        case socket(Int32)
    }
}
