import Glibc

/// A range of IP addresses in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`) or a single address
/// (`192.0.2.7`, a /32 or /128). The gateway's trusted proxies are a list of them.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network's address: 4 bytes for IPv4, 16 for IPv6, with the host bits zero.
    let bytes: [UInt8]
    /// How many leading bits name the network.
    let prefixLength: Int

    /// Parses `address` or `address/prefix`; nil when it is neither (bad address, prefix out of
    /// range, or host bits set, as in `10.0.0.1/8`, which is more likely a typo than meant).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let bytes = IPAddress.bytes(parts[0]) else { return nil }
        let prefixLength: Int
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let length = Int(parts[1]), (0...bytes.count * 8).contains(length)
            else { return nil }
            prefixLength = length
        } else {
            prefixLength = bytes.count * 8
        }
        guard Self.masked(bytes, prefixLength) == bytes else { return nil }
        self.bytes = bytes
        self.prefixLength = prefixLength
    }

    /// Whether `address` (4 or 16 bytes, as ``IPAddress/bytes(_:)`` gives) is in the network.
    func contains(_ address: [UInt8]) -> Bool {
        address.count == self.bytes.count && Self.masked(address, self.prefixLength) == self.bytes
    }

    public var description: String { "\(IPAddress.text(self.bytes))/\(self.prefixLength)" }

    /// `bytes` with every bit after the first `prefixLength` cleared.
    private static func masked(_ bytes: [UInt8], _ prefixLength: Int) -> [UInt8] {
        var result = bytes
        for index in result.indices {
            let bitsKept = min(max(prefixLength - index * 8, 0), 8)
            result[index] &= bitsKept == 0 ? 0 : ~UInt8(0) << (8 - bitsKept)
        }
        return result
    }
}

/// Parsing and printing of IP addresses, in the one form the gateway compares and keys on.
enum IPAddress {
    /// The address's bytes: 4 for IPv4, 16 for IPv6, with an IPv4-mapped IPv6 address
    /// (`::ffff:192.0.2.7`) read as its IPv4 address; nil when `text` is no address.
    static func bytes(_ text: Substring) -> [UInt8]? {
        // The longest textual IPv6 address is 45 characters; anything longer is not one.
        guard !text.isEmpty, text.utf8.count <= 45, !text.contains("\0") else { return nil }
        let string = String(text)
        var v4 = in_addr()
        if inet_pton(AF_INET, string, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, string, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return Array(bytes[12...])
        }
        return bytes
    }

    /// The canonical text of 4 or 16 address bytes (`192.0.2.7`, `2001:db8::1`).
    static func text(_ bytes: [UInt8]) -> String {
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { address in
            inet_ntop(family, address.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
