/// One RPC method: its service, its name, and the stable number that request frames carry.
public struct MethodDescriptor: Hashable, Sendable, CustomStringConvertible {
    /// The fully qualified service name, e.g. `boxoffice.payments.v1.PaymentService`.
    public let service: String
    /// The method name, e.g. `Charge`.
    public let method: String
    /// Stable across builds and releases: FNV-1a (32-bit) of ``fullName``, computed by the code
    /// generator, which refuses two methods with the same id.
    public let id: UInt32

    public init(service: String, method: String, id: UInt32) {
        self.service = service
        self.method = method
        self.id = id
    }

    /// `service/method`, as in gRPC paths without the leading slash.
    public var fullName: String { "\(self.service)/\(self.method)" }

    public var description: String { self.fullName }

    /// FNV-1a, 32 bits, of `text`'s UTF-8 bytes: the method id function.
    public static func stableID(_ text: String) -> UInt32 {
        var hash: UInt32 = 0x811c_9dc5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }
}
