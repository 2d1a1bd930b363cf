/// The address a request came from, seen through the load balancers and proxies the gateway is
/// configured to trust.
///
/// Without trusted proxies, or when the TCP peer is not one of them, the client is the peer and
/// `X-Forwarded-For` is ignored: anyone can send that header, so believing it would let a client
/// choose its own rate-limit key. When the peer is trusted, the header's entries are read from
/// the right (each proxy appends the address it saw): the first entry that is not a trusted
/// proxy is the client. If every entry is trusted, the leftmost is; if an entry is no IP address,
/// the trusted hop after it is (a proxy never writes such an entry, so it came from the client).
struct ClientAddressResolver: Sendable {
    /// The most `X-Forwarded-For` entries read per request; a longer chain is cut there, which
    /// bounds the work a request can cause.
    static let forwardedEntriesMax = 32

    let trustedProxies: [IPNetwork]

    /// The client's address (canonical text) for a request from `peer` carrying these
    /// `X-Forwarded-For` header values; nil when the peer has no IP address (a Unix socket).
    func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard !self.trustedProxies.isEmpty, let peer, let peerBytes = IPAddress.bytes(Substring(peer)),
            self.isTrusted(peerBytes)
        else { return peer }
        var client = IPAddress.text(peerBytes)
        var entriesRead = 0
        for value in forwardedFor.reversed() {
            for entry in value.split(separator: ",", omittingEmptySubsequences: false).reversed() {
                guard entriesRead < Self.forwardedEntriesMax,
                    let bytes = IPAddress.bytes(Self.address(of: entry))
                else { return client }
                entriesRead += 1
                client = IPAddress.text(bytes)
                if !self.isTrusted(bytes) { return client }
            }
        }
        return client
    }

    private func isTrusted(_ address: [UInt8]) -> Bool {
        self.trustedProxies.contains { $0.contains(address) }
    }

    /// The address part of one entry: trimmed, without the port some proxies add
    /// (`192.0.2.7:4711`, `[2001:db8::1]:4711`) or the brackets around an IPv6 address.
    private static func address(of entry: Substring) -> Substring {
        var text = entry
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        if text.first == "[", let close = text.firstIndex(of: "]") {
            return text[text.index(after: text.startIndex)..<close]
        }
        // One colon: IPv4 with a port. Several: an IPv6 address, which has no port without brackets.
        if let colon = text.firstIndex(of: ":"), text[text.index(after: colon)...].firstIndex(of: ":") == nil {
            return text[..<colon]
        }
        return text
    }
}
