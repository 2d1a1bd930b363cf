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
                    guard let binding = method.binding else { continue }
                    self.emitBinding(binding, of: method, serviceName: service.name, into: &out)
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

extension SwiftEmitter {
    /// One `HTTPBinding(...)` element of the table: the route, its options, the OpenAPI operation
    /// and schemas (JSON text as raw string literals), and the JSON codecs.
    func emitBinding(
        _ binding: ResolvedBinding,
        of method: ResolvedMethod,
        serviceName: String,
        into out: inout CodeWriter
    ) {
        let openAPI = OpenAPIOperation(method: method, binding: binding, serviceName: serviceName)
        out.block("HTTPBinding(", close: "),") { out in
            out.line("verb: \(binding.verb.literal),")
            out.line("pathTemplate: \(binding.path.literal),")
            out.line("bodyField: \(binding.body.literal),")
            out.line("access: \(binding.access.literal),")
            out.line("method: \(method.swiftName),")
            out.line("rawBody: \(binding.rawBody),")
            out.line("idempotencyKeyRequired: \(binding.idempotencyKeyRequired),")
            out.line("redirectField: \(binding.redirectField.literal),")
            out.line("successStatus: \(binding.successStatus),")
            if let raw = binding.rawResponseField {
                out.line("rawResponseField: \(raw.jsonName.literal),")
                out.line("rawResponseContentType: \(binding.rawResponseContentType.literal),")
            }
            out.line("openAPIOperation: \(openAPI.operation.text.rawLiteral),")
            if openAPI.schemas.isEmpty {
                out.line("openAPISchemas: [:],")
            } else {
                out.block("openAPISchemas: [", close: "],") { out in
                    for info in openAPI.schemas {
                        out.line("\(info.fullName.literal): \(info.swiftName).openAPISchema,")
                    }
                }
            }
            out.line("decodeJSONRequest: { (body, parameters) throws(RPCError) in")
            out.line("    try ProtobufHTTPCodec.decodeRequest(")
            out.line("        \(method.input.swiftName).self,")
            out.line("        body: body,")
            out.line("        bodyField: \(binding.body.literal),")
            out.line("        parameters: parameters")
            out.line("    )")
            out.line("},")
            out.line("encodeJSONResponse: { (bytes) throws(RPCError) in")
            out.line(
                binding.emitDefaults
                    ? "    try ProtobufHTTPCodec.encodeResponse(\(method.output.swiftName).self, bytes, emittingDefaults: true)"
                    : "    try ProtobufHTTPCodec.encodeResponse(\(method.output.swiftName).self, bytes)"
            )
            if let raw = binding.rawResponseField {
                // A string's UTF-8 or a bytes field's bytes: the body as the service wrote it.
                let content: String
                if case .scalar(.string) = raw.kind {
                    content = "Array($0.\(raw.swiftName).utf8)"
                } else {
                    content = "$0.\(raw.swiftName)"
                }
                out.line("},")
                out.line("rawResponse: { (bytes) throws(RPCError) in")
                out.line(
                    "    try ProtobufHTTPCodec.rawResponse(\(method.output.swiftName).self, bytes) { \(content) }"
                )
            }
            out.line("}")
        }
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
