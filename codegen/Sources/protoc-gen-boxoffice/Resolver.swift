/// Builds the model of every message and enum in the request, so fields of one file can name
/// types of another.
struct Resolver {
    private(set) var messages: [String: MessageInfo] = [:]
    private(set) var enums: [String: EnumInfo] = [:]

    /// Wrapper types and the scalar each carries.
    static let wrappers: [String: Scalar] = [
        ".google.protobuf.DoubleValue": .double, ".google.protobuf.FloatValue": .float,
        ".google.protobuf.Int64Value": .int64, ".google.protobuf.UInt64Value": .uint64,
        ".google.protobuf.Int32Value": .int32, ".google.protobuf.UInt32Value": .uint32,
        ".google.protobuf.BoolValue": .bool, ".google.protobuf.StringValue": .string,
        ".google.protobuf.BytesValue": .bytes,
    ]

    /// Registers every type of `files`; resolves the fields of all but the well-known types (which
    /// map to Swift types of their own, so only their names matter). Messages of imported files
    /// are resolved too: an OpenAPI schema lists every message a route reaches, wherever declared.
    init(files: [FileDescriptor]) throws {
        var resolving: [MessageInfo] = []
        for file in files {
            let comments = file.comments
            let prefix = Names.swiftPrefix(package: file.package)
            let scope = file.package.isEmpty ? "" : file.package + "."
            for (index, message) in file.messages.enumerated() {
                self.register(
                    message,
                    fullName: scope + message.name,
                    swiftName: prefix + message.name,
                    path: [4, Int32(index)],
                    comments: comments
                )
                if file.package != "google.protobuf" {
                    resolving.append(self.messages["." + scope + message.name]!)
                }
            }
            for (index, enumeration) in file.enums.enumerated() {
                self.register(
                    enumeration,
                    fullName: scope + enumeration.name,
                    swiftName: prefix + enumeration.name,
                    path: [5, Int32(index)],
                    comments: comments
                )
            }
        }
        var resolved: [MessageInfo] = []
        while let info = resolving.popLast() {
            resolving.append(contentsOf: info.nestedMessages)
            info.fields = try info.descriptor.fields.enumerated().map { index, field in
                try self.resolve(field, in: info, path: info.commentPath + [2, Int32(index)])
            }
            resolved.append(info)
        }
        for info in resolved { try Self.refuseSelfContainment(info) }
    }

    /// A Swift struct cannot contain itself, so a message may not reach itself through singular
    /// message fields (repeated fields and maps are arrays and dictionaries, which may).
    private static func refuseSelfContainment(_ start: MessageInfo) throws {
        var stack: [(MessageInfo, [String])] = [(start, [start.fullName])]
        var seen: Set<String> = []
        while let (info, path) = stack.popLast() {
            for field in info.fields where !field.isRepeated {
                guard case .message(let next) = field.kind else { continue }
                if next === start {
                    throw GeneratorError(
                        "\((path + [next.fullName]).joined(separator: " → ")): a message cannot contain itself "
                            + "through singular fields; make one of them repeated"
                    )
                }
                if seen.insert(next.fullName).inserted { stack.append((next, path + [next.fullName])) }
            }
        }
    }

    private mutating func register(
        _ message: MessageDescriptor,
        fullName: String,
        swiftName: String,
        path: [Int32],
        comments: [[Int32]: String]
    ) {
        let info = MessageInfo(
            fullName: fullName,
            swiftName: swiftName,
            descriptor: message,
            commentPath: path,
            fileComments: comments
        )
        self.messages["." + fullName] = info
        for (index, nested) in message.nestedMessages.enumerated() {
            let name = fullName + "." + nested.name
            self.register(
                nested,
                fullName: name,
                swiftName: swiftName + "." + nested.name,
                path: path + [3, Int32(index)],
                comments: comments
            )
            info.nestedMessages.append(self.messages["." + name]!)
        }
        for (index, nested) in message.enums.enumerated() {
            let name = fullName + "." + nested.name
            self.register(
                nested,
                fullName: name,
                swiftName: swiftName + "." + nested.name,
                path: path + [4, Int32(index)],
                comments: comments
            )
            info.nestedEnums.append(self.enums["." + name]!)
        }
    }

    private mutating func register(
        _ enumeration: EnumDescriptor,
        fullName: String,
        swiftName: String,
        path: [Int32],
        comments: [[Int32]: String]
    ) {
        self.enums["." + fullName] = EnumInfo(
            fullName: fullName,
            swiftName: swiftName,
            cTypeName: Names.cTypeName(fullName: fullName),
            descriptor: enumeration,
            commentPath: path,
            fileComments: comments
        )
    }

    private func resolve(_ field: FieldDescriptor, in message: MessageInfo, path: [Int32]) throws -> Field {
        if field.isProto3Optional {
            throw GeneratorError(
                "\(message.fullName).\(field.name): proto3 `optional` is not supported by protoc-c; "
                    + "use a wrapper type (google.protobuf.*Value) or a oneof"
            )
        }
        var result = Field(
            descriptor: field,
            swiftName: Names.escaped(Names.swiftField(field.name)),
            cName: Names.cFieldName(field.name),
            jsonName: field.jsonName.isEmpty ? field.name : field.jsonName,
            kind: try self.kind(of: field, in: message),
            isRepeated: field.isRepeated,
            oneofIndex: field.oneofIndex,
            commentPath: path,
            comment: message.fileComments[path]
        )
        if field.isRepeated, field.type == .message, let entry = self.messages[field.typeName],
            entry.descriptor.isMapEntry
        {
            guard let keyField = entry.descriptor.fields.first(where: { $0.number == 1 }),
                let valueField = entry.descriptor.fields.first(where: { $0.number == 2 }),
                let key = Scalar(keyField.type), key.isMapKey
            else { throw GeneratorError("\(message.fullName).\(field.name): malformed map entry") }
            result.map = (key, try self.kind(of: valueField, in: entry), entry)
        }
        return result
    }

    private func kind(of field: FieldDescriptor, in message: MessageInfo) throws -> FieldKind {
        if let scalar = Scalar(field.type) { return .scalar(scalar) }
        switch field.type {
        case .enumeration:
            guard let info = self.enums[field.typeName] else { throw GeneratorError("unknown enum \(field.typeName)") }
            return .enumeration(info)
        case .message:
            if field.typeName == ".google.protobuf.Timestamp" { return .timestamp }
            if let scalar = Self.wrappers[field.typeName] {
                return .wrapper(
                    scalar,
                    cFunctionPrefix: Names.cFunctionPrefix(fullName: String(field.typeName.dropFirst()))
                )
            }
            if field.typeName.hasPrefix(".google.protobuf.") {
                throw GeneratorError(
                    "\(message.fullName).\(field.name): \(field.typeName) is not supported; "
                        + "Timestamp and the wrapper types are"
                )
            }
            guard let info = self.messages[field.typeName] else {
                throw GeneratorError("unknown message \(field.typeName)")
            }
            return .message(info)
        default:
            throw GeneratorError("\(message.fullName).\(field.name): groups are not supported")
        }
    }
}
