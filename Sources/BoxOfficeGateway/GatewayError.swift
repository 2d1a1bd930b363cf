/// Why a gateway cannot be built from its bindings and configuration.
public struct GatewayError: Error, CustomStringConvertible, Sendable {
    /// What kind of problem it is; codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidBinding
            case missingUpstream
            case invalidKey
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// A binding's template, verb, access level or OpenAPI text cannot be served, or two
        /// bindings claim one route.
        public static let invalidBinding = Code(.invalidBinding)
        /// A bound service has no upstream transport.
        public static let missingUpstream = Code(.missingUpstream)
        /// A configured JWT public key cannot be used.
        public static let invalidKey = Code(.invalidKey)

        public var description: String {
            switch self.value {
            case .invalidBinding: return "invalid binding"
            case .missingUpstream: return "missing upstream"
            case .invalidKey: return "invalid key"
            }
        }
    }

    public var code: Code
    /// Names the binding or service at fault; never a key or token.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.code): \(self.message)" }
}
