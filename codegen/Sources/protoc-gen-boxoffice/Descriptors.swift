/// The subset of `google/protobuf/descriptor.proto` the generator reads, decoded by hand so that
/// the generator has no dependencies. Field numbers are descriptor.proto's.
struct CodeGeneratorRequest {
    var filesToGenerate: [String] = []
    var parameter = ""
    var protoFiles: [FileDescriptor] = []

    init(_ bytes: [UInt8]) throws {
        var reader = WireReader(bytes)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.nextTag()
            switch number {
            case 1: self.filesToGenerate.append(try reader.string())
            case 2: self.parameter = try reader.string()
            case 15: self.protoFiles.append(try FileDescriptor(try reader.submessage()))
            default: try reader.skip(wireType: wireType)
            }
        }
    }
}

struct FileDescriptor {
    var name = ""
    var package = ""
    var dependencies: [String] = []
    var messages: [MessageDescriptor] = []
    var enums: [EnumDescriptor] = []
    var services: [ServiceDescriptor] = []
    var syntax = "proto2"
    /// Leading comments by location path (SourceCodeInfo), e.g. `[4, 0, 2, 1]` for the second
    /// field of the first message.
    var comments: [[Int32]: String] = [:]

    init(_ reader: WireReader) throws {
        var reader = reader
        while !reader.isAtEnd {
            let (number, wireType) = try reader.nextTag()
            switch number {
            case 1: self.name = try reader.string()
            case 2: self.package = try reader.string()
            case 3: self.dependencies.append(try reader.string())
            case 4: self.messages.append(try MessageDescriptor(try reader.submessage()))
            case 5: self.enums.append(try EnumDescriptor(try reader.submessage()))
            case 6: self.services.append(try ServiceDescriptor(try reader.submessage()))
            case 9: try self.readSourceCodeInfo(try reader.submessage())
            case 12: self.syntax = try reader.string()
            default: try reader.skip(wireType: wireType)
            }
        }
    }

    private mutating func readSourceCodeInfo(_ reader: WireReader) throws {
        var reader = reader
        while !reader.isAtEnd {
            let (number, wireType) = try reader.nextTag()
            guard number == 1 else {
                try reader.skip(wireType: wireType)
                continue
            }
            var location = try reader.submessage()
            var path: [Int32] = []
            var leading = ""
            while !location.isAtEnd {
                let (field, type) = try location.nextTag()
                switch field {
                case 1: path.append(contentsOf: try location.int32s(wireType: type))
                case 3: leading = try location.string()
                default: try location.skip(wireType: type)
                }
            }
            if !leading.isEmpty { self.comments[path] = leading }
        }
    }
}

struct MessageDescriptor {
    var name = ""
    var fields: [FieldDescriptor] = []
    var nestedMessages: [MessageDescriptor] = []
    var enums: [EnumDescriptor] = []
    var oneofNames: [String] = []
    var isMapEntry = false

    init(_ reader: WireReader) throws {
        var reader = reader
        while !reader.isAtEnd {
            let (number, wireType) = try reader.nextTag()
            switch number {
            case 1: self.name = try reader.string()
            case 2: self.fields.append(try FieldDescriptor(try reader.submessage()))
            case 3: self.nestedMessages.append(try MessageDescriptor(try reader.submessage()))
            case 4: self.enums.append(try EnumDescriptor(try reader.submessage()))
            case 7:
                var options = try reader.submessage()
                while !options.isAtEnd {
                    let (option, type) = try options.nextTag()
                    if option == 7 { self.isMapEntry = try options.bool() } else { try options.skip(wireType: type) }
                }
            case 8:
                var oneof = try reader.submessage()
                var name = ""
                while !oneof.isAtEnd {
                    let (field, type) = try oneof.nextTag()
                    if field == 1 { name = try oneof.string() } else { try oneof.skip(wireType: type) }
                }
                self.oneofNames.append(name)
            default: try reader.skip(wireType: wireType)
            }
        }
    }
}

struct FieldDescriptor {
    /// descriptor.proto's `FieldDescriptorProto.Type` numbers.
    enum ProtoType: Int {
        case double = 1
        case float, int64, uint64, int32, fixed64, fixed32, bool, string, group, message, bytes
        case uint32, enumeration, sfixed32, sfixed64, sint32, sint64
    }

    var name = ""
    var number: Int32 = 0
    var isRepeated = false
    var type = ProtoType.int32
    /// Fully qualified with a leading dot, for messages and enums.
    var typeName = ""
    var oneofIndex: Int?
    var jsonName = ""
    var isProto3Optional = false

    init(_ reader: WireReader) throws {
        var reader = reader
        while !reader.isAtEnd {
            let (number, wireType) = try reader.nextTag()
            switch number {
            case 1: self.name = try reader.string()
            case 3: self.number = try reader.int32()
            case 4: self.isRepeated = try reader.varint() == 3
            case 5:
                let raw = Int(try reader.varint())
                guard let type = ProtoType(rawValue: raw) else {
                    throw WireReader.Failure(description: "unknown field type \(raw)")
                }
                self.type = type
            case 6: self.typeName = try reader.string()
            case 9: self.oneofIndex = Int(try reader.int32())
            case 10: self.jsonName = try reader.string()
            case 17: self.isProto3Optional = try reader.bool()
            default: try reader.skip(wireType: wireType)
            }
        }
    }
}

struct EnumDescriptor {
    var name = ""
    var values: [(name: String, number: Int32)] = []

    init(_ reader: WireReader) throws {
        var reader = reader
        while !reader.isAtEnd {
            let (number, wireType) = try reader.nextTag()
            switch number {
            case 1: self.name = try reader.string()
            case 2:
                var value = try reader.submessage()
                var name = ""
                var valueNumber: Int32 = 0
                while !value.isAtEnd {
                    let (field, type) = try value.nextTag()
                    switch field {
                    case 1: name = try value.string()
                    case 2: valueNumber = try value.int32()
                    default: try value.skip(wireType: type)
                    }
                }
                self.values.append((name, valueNumber))
            default: try reader.skip(wireType: wireType)
            }
        }
    }
}

struct ServiceDescriptor {
    var name = ""
    var methods: [MethodDescriptor] = []

    init(_ reader: WireReader) throws {
        var reader = reader
        while !reader.isAtEnd {
            let (number, wireType) = try reader.nextTag()
            switch number {
            case 1: self.name = try reader.string()
            case 2: self.methods.append(try MethodDescriptor(try reader.submessage()))
            default: try reader.skip(wireType: wireType)
            }
        }
    }
}

struct MethodDescriptor {
    /// The `(boxoffice.http)` option (boxoffice/options.proto).
    struct HTTPRule {
        var verb = ""
        var path = ""
        var body = ""
        var access = ""
        var idempotencyKeyRequired = false
        /// The proto name of the response field to redirect to, as written in the option.
        var redirect = ""
        /// 0 when the option leaves it out (then 200).
        var successStatus: Int32 = 0
        /// Whether the JSON answer keeps default values.
        var emitDefaults = false
        /// The proto name of the response field answered raw when set, as written in the option.
        var rawResponseField = ""
        /// The `Content-Type` of the raw answer.
        var rawResponseContentType = ""
    }

    /// The extension number of `(boxoffice.http)` in proto/boxoffice/options.proto.
    static let httpOptionNumber = 50401

    var name = ""
    var inputType = ""
    var outputType = ""
    var isStreaming = false
    var http: HTTPRule?

    init(_ reader: WireReader) throws {
        var reader = reader
        while !reader.isAtEnd {
            let (number, wireType) = try reader.nextTag()
            switch number {
            case 1: self.name = try reader.string()
            case 2: self.inputType = try reader.string()
            case 3: self.outputType = try reader.string()
            case 4:
                // Extensions arrive as unknown fields of MethodOptions: protoc serializes them.
                var options = try reader.submessage()
                while !options.isAtEnd {
                    let (option, type) = try options.nextTag()
                    guard option == Self.httpOptionNumber, type == 2 else {
                        try options.skip(wireType: type)
                        continue
                    }
                    var rule = HTTPRule()
                    var fields = try options.submessage()
                    while !fields.isAtEnd {
                        let (field, fieldType) = try fields.nextTag()
                        switch field {
                        case 1: rule.verb = try fields.string()
                        case 2: rule.path = try fields.string()
                        case 3: rule.body = try fields.string()
                        case 4: rule.access = try fields.string()
                        case 5: rule.idempotencyKeyRequired = try fields.bool()
                        case 6: rule.redirect = try fields.string()
                        case 7: rule.successStatus = try fields.int32()
                        case 8: rule.emitDefaults = try fields.bool()
                        case 9: rule.rawResponseField = try fields.string()
                        case 10: rule.rawResponseContentType = try fields.string()
                        default: try fields.skip(wireType: fieldType)
                        }
                    }
                    self.http = rule
                }
            case 5, 6: self.isStreaming = try reader.bool() || self.isStreaming
            default: try reader.skip(wireType: wireType)
            }
        }
    }
}
