/// The resolved shape of the files to generate: every message, enum and field with its Swift and
/// C names, built once from all files of the request (dependencies included).
struct GeneratorError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A scalar field type: its Swift type, its default, and the JSON writer and reader to use.
enum Scalar {
    case double, float, int64, uint64, int32, fixed64, fixed32, bool, string, bytes, uint32
    case sfixed32, sfixed64, sint32, sint64

    init?(_ type: FieldDescriptor.ProtoType) {
        switch type {
        case .double: self = .double
        case .float: self = .float
        case .int64: self = .int64
        case .uint64: self = .uint64
        case .int32: self = .int32
        case .fixed64: self = .fixed64
        case .fixed32: self = .fixed32
        case .bool: self = .bool
        case .string: self = .string
        case .bytes: self = .bytes
        case .uint32: self = .uint32
        case .sfixed32: self = .sfixed32
        case .sfixed64: self = .sfixed64
        case .sint32: self = .sint32
        case .sint64: self = .sint64
        case .group, .message, .enumeration: return nil
        }
    }

    var swiftType: String {
        switch self {
        case .double: "Double"
        case .float: "Float"
        case .int64, .sfixed64, .sint64: "Int64"
        case .uint64, .fixed64: "UInt64"
        case .int32, .sfixed32, .sint32: "Int32"
        case .uint32, .fixed32: "UInt32"
        case .bool: "Bool"
        case .string: "String"
        case .bytes: "[UInt8]"
        }
    }

    var defaultValue: String {
        switch self {
        case .bool: "false"
        case .string: "\"\""
        case .bytes: "[]"
        default: "0"
        }
    }

    /// The expression testing `value` for the proto3 default (not written in JSON).
    func isDefault(_ value: String) -> String {
        switch self {
        case .bool: "!\(value)"
        case .string, .bytes: "\(value).isEmpty"
        default: "\(value) == 0"
        }
    }

    /// The name of the JSON writer and reader methods (`ProtobufJSONWriter`, `ProtobufJSONValue`).
    var jsonMethod: String {
        switch self {
        case .double: "double"
        case .float: "float"
        case .int64, .sfixed64, .sint64: "int64"
        case .uint64, .fixed64: "uint64"
        case .int32, .sfixed32, .sint32: "int32"
        case .uint32, .fixed32: "uint32"
        case .bool: "bool"
        case .string: "string"
        case .bytes: "bytes"
        }
    }

    /// Swift and C share the memory layout (repeated fields copy in one go).
    var hasCLayout: Bool {
        switch self {
        case .bool, .string, .bytes: false
        default: true
        }
    }

    /// Valid as a map key.
    var isMapKey: Bool {
        switch self {
        case .double, .float, .bytes: false
        default: true
        }
    }
}

/// What a field holds, with well-known types mapped to Swift types of their own.
indirect enum FieldKind {
    case scalar(Scalar)
    case enumeration(EnumInfo)
    case message(MessageInfo)
    /// `google.protobuf.Timestamp` → `ProtobufTimestamp`.
    case timestamp
    /// `google.protobuf.*Value` → an optional scalar.
    case wrapper(Scalar, cFunctionPrefix: String)

    /// The Swift type of one value.
    var swiftType: String {
        switch self {
        case .scalar(let scalar): scalar.swiftType
        case .enumeration(let info): info.swiftName
        case .message(let info): info.swiftName
        case .timestamp: "ProtobufTimestamp"
        case .wrapper(let scalar, _): scalar.swiftType
        }
    }
}

struct EnumInfo {
    var fullName: String
    var swiftName: String
    var cTypeName: String
    var descriptor: EnumDescriptor
    var commentPath: [Int32]
    /// The leading comments of the file declaring it (shared storage), for OpenAPI descriptions.
    var fileComments: [[Int32]: String]

    var comment: String? { self.fileComments[self.commentPath] }

    /// One Swift case per distinct number (aliases keep the first name).
    var cases: [(swiftName: String, protoName: String, number: Int32, commentPath: [Int32])] {
        var seen: Set<Int32> = []
        var result: [(String, String, Int32, [Int32])] = []
        let enumName = String(self.fullName.split(separator: ".").last ?? "")
        for (index, value) in self.descriptor.values.enumerated() where seen.insert(value.number).inserted {
            let name = Names.swiftEnumCase(valueName: value.name, enumName: enumName)
            result.append((name, value.name, value.number, self.commentPath + [2, Int32(index)]))
        }
        return result
    }

    /// The case for zero, the proto3 default.
    var defaultCase: String {
        if let zero = self.cases.first(where: { $0.number == 0 }) { return ".\(Names.escaped(zero.swiftName))" }
        return "\(self.swiftName)(rawValue: 0)"
    }
}

final class MessageInfo {
    let fullName: String
    let swiftName: String
    let cTypeName: String
    let cFunctionPrefix: String
    let descriptor: MessageDescriptor
    let commentPath: [Int32]
    /// The leading comments of the file declaring it (shared storage), for OpenAPI descriptions.
    let fileComments: [[Int32]: String]
    var fields: [Field] = []
    var nestedMessages: [MessageInfo] = []
    var nestedEnums: [EnumInfo] = []

    init(
        fullName: String,
        swiftName: String,
        descriptor: MessageDescriptor,
        commentPath: [Int32],
        fileComments: [[Int32]: String]
    ) {
        self.fullName = fullName
        self.swiftName = swiftName
        self.cTypeName = Names.cTypeName(fullName: fullName)
        self.cFunctionPrefix = Names.cFunctionPrefix(fullName: fullName)
        self.descriptor = descriptor
        self.commentPath = commentPath
        self.fileComments = fileComments
    }

    var comment: String? { self.fileComments[self.commentPath] }

    /// The Swift name of the `index`th oneof's enum.
    func oneofTypeName(_ index: Int) -> String {
        let name = Names.upperCamel(self.descriptor.oneofNames[index])
        let taken = Set(self.nestedMessages.map(\.descriptor.name) + self.nestedEnums.map(\.descriptor.name))
        return taken.contains(name) ? "OneOf\(name)" : name
    }

    func oneofPropertyName(_ index: Int) -> String {
        Names.escaped(Names.swiftField(self.descriptor.oneofNames[index]))
    }
}

struct Field {
    var descriptor: FieldDescriptor
    var swiftName: String
    var cName: String
    var jsonName: String
    var kind: FieldKind
    var isRepeated: Bool
    /// For map fields: the key and the entry message (whose `value` field gives the value kind).
    var map: (key: Scalar, value: FieldKind, entry: MessageInfo)?
    var oneofIndex: Int?
    var commentPath: [Int32]
    /// The field's leading comment.
    var comment: String?

    var protoName: String { self.descriptor.name }
    var number: Int32 { self.descriptor.number }
}
