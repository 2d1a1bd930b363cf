/// The binary codec of each message: conversion to and from protoc-c's C structs, which
/// protobuf-c packs and unpacks.
extension SwiftEmitter {
    func emitCodecs(_ info: MessageInfo, into out: inout CodeWriter) throws {
        guard !info.descriptor.isMapEntry else { return }
        let prefix = info.cFunctionPrefix
        let cType = info.cTypeName
        out.line()
        out.block("extension \(info.swiftName) {") { out in
            out.line(
                "/// Decodes untrusted protobuf bytes; throws `INVALID_ARGUMENT` for malformed input, invalid UTF-8"
            )
            out.line(
                "/// or nesting past ``ProtobufLimits/nestingDepthMax``, `RESOURCE_EXHAUSTED` past the size limits."
            )
            out.block("public init(rpcBytes bytes: UnsafeRawBufferPointer) throws(RPCError) {") { out in
                // Types that cannot reach themselves cannot nest past the limit: no pre-scan.
                let bounded = (Self.nestingDepth(info, visiting: []) ?? Int.max) <= Self.nestingDepthMax
                let decode = "ProtobufDecoding.decode(bytes, descriptor: Self.cDescriptor, scanNesting: \(!bounded))"
                out.block("self = try \(decode) {") { out in
                    out.line("(message: UnsafePointer<\(cType)>) throws(RPCError) in try Self(cMessage: message)")
                }
            }
            out.line()
            out.line("/// Appends the protobuf encoding (map entries in key order, so equal messages encode equally).")
            out.block("public func serialize(into buffer: inout [UInt8]) throws(RPCError) {") { out in
                out.line("ProtobufEncoding.encode(into: &buffer, initialize: \(prefix)__init) { message, arena in")
                out.line("    self.fill(message, arena: arena)")
                out.line("}")
            }
            out.line()
            out.line("static let cDescriptor = ProtobufCDescriptor(\(cType).self, initialize: \(prefix)__init)")
            out.line()
            out.block("init(cMessage c: UnsafePointer<\(cType)>) throws(RPCError) {") { out in
                for field in info.fields where field.oneofIndex == nil {
                    self.emitDecode(field, message: info, into: &out)
                }
                for index in info.descriptor.oneofNames.indices {
                    self.emitOneofDecode(index, message: info, into: &out)
                }
            }
            out.line()
            out.line("/// Fills protoc-c's struct and returns an upper bound of the encoded size (tags, lengths and")
            out.line("/// payloads; varints at their exact size), so that packing needs no `get_packed_size` pass.")
            out.block("func fill(_ c: UnsafeMutablePointer<\(cType)>, arena: ProtobufArena) -> Int {") { out in
                if info.fields.isEmpty {
                    out.line("_ = (c, arena)")
                    out.line("return 0")
                    return
                }
                out.line("var size = 0")
                for field in info.fields where field.oneofIndex == nil {
                    self.emitEncode(field, into: &out)
                }
                for index in info.descriptor.oneofNames.indices {
                    self.emitOneofEncode(index, message: info, into: &out)
                }
                out.line("return size")
            }
            self.emitJSON(info, into: &out)
        }
        for nested in info.nestedMessages {
            try self.emitCodecs(nested, into: &out)
        }
    }

    /// `ProtobufLimits.nestingDepthMax` in BoxOfficeProtobuf.
    static let nestingDepthMax = 64

    /// The deepest nesting the types of `info` allow (a message alone is 1); nil when a type can
    /// contain itself (or is not resolved), so that only the input bounds it.
    static func nestingDepth(_ info: MessageInfo, visiting: Set<String>) -> Int? {
        if visiting.contains(info.fullName) { return nil }
        if info.fields.isEmpty && !info.descriptor.fields.isEmpty { return nil }
        var deepest = 1
        for field in info.fields {
            var kinds = [field.kind]
            if let map = field.map { kinds = [map.value] }
            let entryLevel = field.map == nil ? 0 : 1
            for kind in kinds {
                switch kind {
                case .message(let next):
                    guard let depth = Self.nestingDepth(next, visiting: visiting.union([info.fullName])) else {
                        return nil
                    }
                    deepest = max(deepest, 1 + entryLevel + depth)
                case .timestamp, .wrapper:
                    deepest = max(deepest, 2 + entryLevel)
                case .scalar, .enumeration:
                    deepest = max(deepest, 1 + entryLevel)
                }
            }
        }
        return deepest
    }

    // MARK: Decoding (C → Swift)

    /// An expression converting the C value `c` of one element of `kind` to Swift.
    func decodeValue(_ kind: FieldKind, _ c: String, field: String) -> String {
        switch kind {
        case .scalar(.bool): return "\(c) != 0"
        case .scalar(.string): return "try ProtobufDecoding.string(\(c), field: \(field.literal))"
        case .scalar(.bytes): return "ProtobufDecoding.bytes(\(c))"
        case .scalar: return c
        case .enumeration(let info): return "\(info.swiftName)(rawValue: Int32(truncatingIfNeeded: \(c).rawValue))"
        case .message(let info):
            return "try ProtobufDecoding.message(\(c)) { (m: UnsafePointer<\(info.cTypeName)>) throws(RPCError) in "
                + "try \(info.swiftName)(cMessage: m) }"
        case .timestamp: return "ProtobufDecoding.timestamp(\(c))"
        case .wrapper(let scalar, _):
            return "try ProtobufDecoding.message(\(c)) { m throws(RPCError) in "
                + "\(self.decodeValue(.scalar(scalar), "m.pointee.value", field: field)) }"
        }
    }

    func emitDecode(_ field: Field, message: MessageInfo, into out: inout CodeWriter) {
        let c = "c.pointee.\(field.cName)"
        let count = "c.pointee.n_\(field.cName)"
        let path = "\(message.fullName).\(field.protoName)"
        let target = "self.\(field.swiftName)"
        if let map = field.map {
            out.block("if \(count) > 0, let entries = \(c) {") { out in
                out.line("\(target).reserveCapacity(\(count))")
                out.block("for index in 0..<\(count) {") { out in
                    out.line("guard let entry = entries[index] else { continue }")
                    let key = self.decodeValue(.scalar(map.key), "entry.pointee.key", field: path)
                    var value = self.decodeValue(map.value, "entry.pointee.value", field: path)
                    if case .message(let info) = map.value { value = "(\(value)) ?? \(info.swiftName)()" }
                    if case .timestamp = map.value { value = "(\(value)) ?? ProtobufTimestamp()" }
                    out.line("\(target)[\(key)] = \(value)")
                }
            }
            return
        }
        if field.isRepeated {
            switch field.kind {
            case .scalar(let scalar) where scalar.hasCLayout:
                out.line("\(target) = ProtobufDecoding.array(\(c), count: \(count))")
            case .scalar(.string):
                out.line("\(target) = try ProtobufDecoding.strings(\(c), count: \(count), field: \(path.literal))")
            case .message(let info):
                out.line("\(target) = try ProtobufDecoding.messages(\(c), count: \(count)) {")
                out.line(
                    "    (m: UnsafePointer<\(info.cTypeName)>) throws(RPCError) in try \(info.swiftName)(cMessage: m)"
                )
                out.line("}")
            case .timestamp:
                out.line("\(target) = try ProtobufDecoding.messages(\(c), count: \(count)) {")
                out.line("    (m: UnsafePointer<Google__Protobuf__Timestamp>) throws(RPCError) in")
                out.line("    ProtobufTimestamp(seconds: m.pointee.seconds, nanos: m.pointee.nanos)")
                out.line("}")
            default:
                out.line("\(target) = try ProtobufDecoding.array(\(c), count: \(count)) { value throws(RPCError) in")
                out.line("    \(self.decodeValue(field.kind, "value", field: path))")
                out.line("}")
            }
            return
        }
        out.line("\(target) = \(self.decodeValue(field.kind, c, field: path))")
    }

    func emitOneofDecode(_ index: Int, message: MessageInfo, into out: inout CodeWriter) {
        let oneof = message.descriptor.oneofNames[index]
        out.switchBlock("switch c.pointee.\(Names.cFieldName(oneof))_case.rawValue {") { out in
            for field in message.fields where field.oneofIndex == index {
                var value = self.decodeValue(
                    field.kind,
                    "c.pointee.\(field.cName)",
                    field: "\(message.fullName).\(field.protoName)"
                )
                switch field.kind {
                case .message(let info): value = "(\(value)) ?? \(info.swiftName)()"
                case .timestamp: value = "(\(value)) ?? ProtobufTimestamp()"
                case .wrapper(let scalar, _): value = "(\(value)) ?? \(scalar.defaultValue)"
                default: break
                }
                out.line(
                    "case \(field.number): self.\(message.oneofPropertyName(index)) = .\(field.swiftName)(\(value))"
                )
            }
            out.line("default: self.\(message.oneofPropertyName(index)) = nil")
        }
    }

    // MARK: Encoding (Swift → C)

    /// Bytes of a field's tag (the wire type does not change the size).
    static func tagBytes(_ number: Int32) -> Int {
        var value = UInt64(number) << 3
        var count = 1
        while value >= 0x80 {
            value >>= 7
            count += 1
        }
        return count
    }

    /// An expression bounding the encoded bytes of one scalar `value` with its tag (`tag` bytes).
    /// Varints are counted exactly (protobuf-c writes a negative int32 or enum in ten bytes, as
    /// the sign extension to 64 bits here does); zigzag varints at their maximum.
    func scalarBytes(_ scalar: Scalar, _ value: String, tag: Int) -> String {
        switch scalar {
        case .string: return "ProtobufEncoding.delimitedBytes(tagBytes: \(tag), count: \(value).utf8.count)"
        case .bytes: return "ProtobufEncoding.delimitedBytes(tagBytes: \(tag), count: \(value).count)"
        case .bool: return "\(tag + 1)"
        case .double, .fixed64, .sfixed64: return "\(tag + 8)"
        case .float, .fixed32, .sfixed32: return "\(tag + 4)"
        case .sint32: return "\(tag + 5)"
        case .sint64: return "\(tag + 10)"
        case .int32, .int64: return "\(tag) &+ ProtobufEncoding.varintBytes(Int64(\(value)))"
        case .uint32, .uint64: return "\(tag) &+ ProtobufEncoding.varintBytes(UInt64(\(value)))"
        }
    }

    /// The C value of one Swift element `value`; messages of our own types are built by
    /// ``emitElement(_:_:target:tag:into:)``, which needs the size their `fill` returns.
    func encodeValue(_ kind: FieldKind, _ value: String) -> String {
        switch kind {
        case .scalar(.bool): return "\(value) ? 1 : 0"
        case .scalar(.string): return "arena.cString(\(value))"
        case .scalar(.bytes): return "arena.binary(\(value))"
        case .scalar: return value
        case .enumeration(let info): return "\(info.cTypeName)(rawValue: .init(truncatingIfNeeded: \(value).rawValue))"
        case .message: preconditionFailure("messages are built by emitElement, which needs their size")
        case .timestamp:
            return "arena.message(google__protobuf__timestamp__init) { m in "
                + "m.pointee.seconds = \(value).seconds; m.pointee.nanos = \(value).nanos }"
        case .wrapper(let scalar, let prefix):
            return
                "arena.message(\(prefix)__init) { m in m.pointee.value = \(self.encodeValue(.scalar(scalar), value)) }"
        }
    }

    /// Statements that store the C value of the Swift element `value` in `target` and add its
    /// encoded bytes (with a `tag`-byte tag) to `size`.
    func emitElement(_ kind: FieldKind, _ value: String, target: String, tag: Int, into out: inout CodeWriter) {
        switch kind {
        case .scalar(let scalar):
            out.line("\(target) = \(self.encodeValue(kind, value))")
            out.line("size &+= \(self.scalarBytes(scalar, value, tag: tag))")
        case .enumeration:
            out.line("\(target) = \(self.encodeValue(kind, value))")
            out.line("size &+= \(tag) &+ ProtobufEncoding.varintBytes(Int64(\(value).rawValue))")
        case .message(let info):
            out.line("let m: UnsafeMutablePointer<\(info.cTypeName)> = arena.message(\(info.cFunctionPrefix)__init)")
            out.line(
                "size &+= ProtobufEncoding.delimitedBytes(tagBytes: \(tag), count: \(value).fill(m, arena: arena))"
            )
            out.line("\(target) = m")
        case .timestamp:
            out.line("\(target) = \(self.encodeValue(kind, value))")
            // Length 1 byte; seconds and nanos at most 1 + 10 bytes each.
            out.line("size &+= \(tag + 1 + 22)")
        case .wrapper(let scalar, _):
            out.line("\(target) = \(self.encodeValue(kind, value))")
            out.line(
                "size &+= ProtobufEncoding.delimitedBytes(tagBytes: \(tag), count: \(self.scalarBytes(scalar, value, tag: 1)))"
            )
        }
    }

    /// The most bytes one element of a repeated scalar or enum field takes, without its tag.
    func elementBytesMax(_ kind: FieldKind) -> Int {
        switch kind {
        case .scalar(.bool): 1
        case .scalar(.float), .scalar(.fixed32), .scalar(.sfixed32): 4
        case .scalar(.double), .scalar(.fixed64), .scalar(.sfixed64): 8
        default: 10
        }
    }

    func emitEncode(_ field: Field, into out: inout CodeWriter) {
        let c = "c.pointee.\(field.cName)"
        let count = "c.pointee.n_\(field.cName)"
        let value = "self.\(field.swiftName)"
        let tag = Self.tagBytes(field.number)
        if let map = field.map {
            out.block("if !\(value).isEmpty {") { out in
                out.line("let keys = ProtobufEncoding.sortedKeys(\(value))")
                out.line("\(count) = keys.count")
                out.block(
                    "\(c) = arena.messages(keys, \(map.entry.cFunctionPrefix)__init, size: &size) { key, entry in"
                ) { out in
                    // Entry fields: key = 1, value = 2, one-byte tags.
                    out.line("var size = 0")
                    self.emitElement(.scalar(map.key), "key", target: "entry.pointee.key", tag: 1, into: &out)
                    out.line("let value = \(value)[key]!")
                    self.emitElement(map.value, "value", target: "entry.pointee.value", tag: 1, into: &out)
                    out.line("return ProtobufEncoding.delimitedBytes(tagBytes: \(tag), count: size)")
                }
            }
            return
        }
        if field.isRepeated {
            out.block("if !\(value).isEmpty {") { out in
                out.line("\(count) = \(value).count")
                switch field.kind {
                case .scalar(.string):
                    out.line("\(c) = arena.cStrings(\(value), tagBytes: \(tag), size: &size)")
                case .scalar(.bytes):
                    out.line("\(c) = arena.array(\(value)) { value in arena.binary(value) }")
                    out.line("for value in \(value) { size &+= \(self.scalarBytes(.bytes, "value", tag: tag)) }")
                case .message, .timestamp:
                    out.line("\(c) = arena.messages(\(value), \(self.cInit(field.kind)), size: &size) { value, m in")
                    if case .message = field.kind {
                        out.line(
                            "    ProtobufEncoding.delimitedBytes(tagBytes: \(tag), count: value.fill(m, arena: arena))"
                        )
                    } else {
                        out.line("    m.pointee.seconds = value.seconds")
                        out.line("    m.pointee.nanos = value.nanos")
                        out.line("    return \(tag + 1 + 22)")
                    }
                    out.line("}")
                case .wrapper(let scalar, _):
                    out.line("\(c) = arena.array(\(value)) { value in \(self.encodeValue(field.kind, "value")) }")
                    let bytes = self.scalarBytes(scalar, "value", tag: 1)
                    out.line(
                        "for value in \(value) { size &+= ProtobufEncoding.delimitedBytes(tagBytes: \(tag), count: \(bytes)) }"
                    )
                default:
                    if case .scalar(let scalar) = field.kind, scalar.hasCLayout {
                        out.line("\(c) = arena.copy(\(value))")
                    } else {
                        out.line("\(c) = arena.array(\(value)) { value in \(self.encodeValue(field.kind, "value")) }")
                    }
                    // Packed (one tag, a length of at most 10 bytes) or not (a tag per element).
                    out.line(
                        "size &+= ProtobufEncoding.repeatedBytes(tagBytes: \(tag), count: \(value).count, "
                            + "elementBytesMax: \(self.elementBytesMax(field.kind)))"
                    )
                }
            }
            return
        }
        switch field.kind {
        case .scalar(.string), .scalar(.bytes):
            // Empty strings and bytes keep the default protoc-c's initializer set.
            out.block("if !\(value).isEmpty {") { out in
                self.emitElement(field.kind, value, target: c, tag: tag, into: &out)
            }
        case .scalar, .enumeration:
            self.emitElement(field.kind, value, target: c, tag: tag, into: &out)
        case .message, .timestamp, .wrapper:
            out.block("if let value = \(value) {") { out in
                self.emitElement(field.kind, "value", target: c, tag: tag, into: &out)
            }
        }
    }

    /// protoc-c's initializer for a message-like kind.
    func cInit(_ kind: FieldKind) -> String {
        switch kind {
        case .message(let info): "\(info.cFunctionPrefix)__init"
        case .wrapper(_, let prefix): "\(prefix)__init"
        default: "google__protobuf__timestamp__init"
        }
    }

    func emitOneofEncode(_ index: Int, message: MessageInfo, into out: inout CodeWriter) {
        let caseField = "c.pointee.\(Names.cFieldName(message.descriptor.oneofNames[index]))_case"
        out.switchBlock("switch self.\(message.oneofPropertyName(index)) {") { out in
            for field in message.fields where field.oneofIndex == index {
                out.block("case .\(field.swiftName)(let value)?:", close: nil) { out in
                    out.line("\(caseField) = .init(rawValue: \(field.number))")
                    self.emitElement(
                        field.kind,
                        "value",
                        target: "c.pointee.\(field.cName)",
                        tag: Self.tagBytes(field.number),
                        into: &out
                    )
                }
            }
            out.line("case nil: break")
        }
    }
}
