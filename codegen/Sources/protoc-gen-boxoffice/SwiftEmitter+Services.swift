/// Per service: a server protocol, a typed client, stable method ids and the HTTP binding table.
extension SwiftEmitter {
    func emitService(_ service: ServiceDescriptor, path: [Int32], into out: inout CodeWriter) throws {
        let fullName = self.file.package.isEmpty ? service.name : "\(self.file.package).\(service.name)"
        let prefix = Names.swiftPrefix(package: self.file.package) + service.name
        let methods = try service.methods.enumerated().map { index, method in
            try ResolvedMethod(method, resolver: self.resolver, comment: self.comment(path + [2, Int32(index)]))
        }
        let serviceDoc = self.comment(path)

        out.line()
        out.doc(serviceDoc, fallback: "The `\(fullName)` service.")
        out.line("///")
        out.line("/// Implement it and register it in an `RPCRouter`; each method may throw an `RPCError` or an")
        out.line("/// `RPCErrorConvertible` error, and any other error reaches the caller as `INTERNAL`.")
        out.block("public protocol \(prefix)Protocol: RPCService {") { out in
            for method in methods {
                out.doc(method.comment, fallback: "`\(method.name)`.")
                out.line(
                    "func \(method.swiftName)(_ request: \(method.input.swiftName), context: ServerContext) async throws -> \(method.output.swiftName)"
                )
            }
        }

        out.line()
        out.block("extension \(prefix)Protocol {") { out in
            out.line("/// Registers every method of the service.")
            out.block("public func register(into router: inout RPCRouter) {") { out in
                for method in methods {
                    out.line(
                        "router.register(\(prefix)Methods.\(method.swiftName)) { (request: \(method.input.swiftName), context) in"
                    )
                    out.line("    try await self.\(method.swiftName)(request, context: context)")
                    out.line("}")
                }
            }
        }

        out.line()
        out.line("/// The methods of `\(fullName)` with their stable ids (FNV-1a of `service/method`), and the HTTP")
        out.line("/// routes the gateway serves for them.")
        out.block("public enum \(prefix)Methods {") { out in
            for method in methods {
                let id = MethodID.stableID("\(fullName)/\(method.name)")
                out.line("/// `\(fullName)/\(method.name)`.")
                out.line("public static let \(method.swiftName) = MethodDescriptor(")
                out.line("    service: \(fullName.literal),")
                out.line("    method: \(method.name.literal),")
                out.line("    id: 0x\(String(id, radix: 16, uppercase: true).leftPadded(8))")
                out.line(")")
            }
            out.line()
            out.line("/// Every method, in declaration order.")
            out.line(
                "public static let all: [MethodDescriptor] = [\(methods.map(\.swiftName).joined(separator: ", "))]"
            )
            out.line()
            out.line("/// The HTTP routes of the methods that declare `(boxoffice.http)`.")
            out.block("public static let httpBindings: [HTTPBinding] = [", close: "]") { out in
                for method in methods {
                    guard let http = method.http else { continue }
                    out.block("HTTPBinding(", close: "),") { out in
                        out.line("verb: \(http.verb.literal),")
                        out.line("pathTemplate: \(http.path.literal),")
                        out.line("bodyField: \(http.body.literal),")
                        out.line("access: \(http.access.literal),")
                        out.line("method: \(method.swiftName),")
                        out.line("decodeJSONRequest: { (body, parameters) throws(RPCError) in")
                        out.line("    try ProtobufHTTPCodec.decodeRequest(")
                        out.line("        \(method.input.swiftName).self,")
                        out.line("        body: body,")
                        out.line("        bodyField: \(http.body.literal),")
                        out.line("        parameters: parameters")
                        out.line("    )")
                        out.line("},")
                        out.line("encodeJSONResponse: { (bytes) throws(RPCError) in")
                        out.line("    try ProtobufHTTPCodec.encodeResponse(\(method.output.swiftName).self, bytes)")
                        out.line("}")
                    }
                }
            }
        }

        out.line()
        out.line("/// A typed client of `\(fullName)` over any RPC transport.")
        out.block("public struct \(prefix)Client: Sendable {") { out in
            out.line("/// The untyped client the calls go through.")
            out.line("public let client: RPCClient")
            out.line()
            out.line("/// A client calling through `client`.")
            out.line("public init(_ client: RPCClient) {")
            out.line("    self.client = client")
            out.line("}")
            for method in methods {
                out.line()
                out.doc(method.comment, fallback: "Calls `\(method.name)`.")
                out.line("public func \(method.swiftName)(")
                out.line("    _ request: \(method.input.swiftName),")
                out.line("    options: CallOptions = CallOptions()")
                out.block(") async throws(RPCError) -> \(method.output.swiftName) {") { out in
                    out.line(
                        "try await self.client.unary(\(prefix)Methods.\(method.swiftName), request, options: options)"
                    )
                }
            }
        }
    }
}

/// One RPC method with its types resolved and its HTTP route checked.
struct ResolvedMethod {
    var name: String
    var swiftName: String
    var input: MessageInfo
    var output: MessageInfo
    var http: MethodDescriptor.HTTPRule?
    var comment: String?

    init(_ method: MethodDescriptor, resolver: Resolver, comment: String?) throws {
        guard !method.isStreaming else { throw GeneratorError("\(method.name): streaming methods are not supported") }
        guard let input = resolver.messages[method.inputType], let output = resolver.messages[method.outputType] else {
            throw GeneratorError("\(method.name): request and response must be messages of the generated files")
        }
        self.name = method.name
        self.swiftName = Names.escaped(method.name.prefix(1).lowercased() + method.name.dropFirst())
        self.input = input
        self.output = output
        self.comment = comment
        if var http = method.http {
            guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(http.verb) else {
                throw GeneratorError("\(method.name): unknown HTTP verb \(http.verb)")
            }
            guard http.path.hasPrefix("/") else {
                throw GeneratorError("\(method.name): the HTTP path must start with /")
            }
            http.path = try Self.jsonPathTemplate(http.path, input: input, method: method.name)
            if !http.body.isEmpty, http.body != "*" {
                http.body = try Self.jsonFieldPath(http.body, input: input, method: method.name)
            }
            if !["public", "user", "admin"].contains(http.access) {
                throw GeneratorError("\(method.name): access must be public, user or admin")
            }
            self.http = http
        }
    }

    /// Rewrites the names in braces to JSON names, checking each names a request field.
    static func jsonPathTemplate(_ template: String, input: MessageInfo, method: String) throws -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw GeneratorError("\(method): unbalanced braces in \(template)")
            }
            result += rest[..<open]
            result +=
                "{" + (try jsonFieldPath(String(rest[rest.index(after: open)..<close]), input: input, method: method))
                + "}"
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// `billing_address.city` → `billingAddress.city`, checking each step.
    static func jsonFieldPath(_ path: String, input: MessageInfo, method: String) throws -> String {
        var message: MessageInfo? = input
        var names: [String] = []
        for piece in path.split(separator: ".") {
            guard let current = message,
                let field = current.fields.first(where: { $0.protoName == piece || $0.jsonName == piece }),
                !field.isRepeated
            else { throw GeneratorError("\(method): \(path) does not name a singular field of \(input.fullName)") }
            names.append(field.jsonName)
            if case .message(let next) = field.kind { message = next } else { message = nil }
        }
        return names.joined(separator: ".")
    }
}

/// The method id function; it matches `MethodDescriptor.stableID` in BoxOfficeRPC.
enum MethodID {
    static func stableID(_ text: String) -> UInt32 {
        var hash: UInt32 = 0x811c_9dc5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
