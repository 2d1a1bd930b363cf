public import BoxOfficeRPC

/// Where a JSON value sits in the request, for errors: `invoice.lines[2].sku`. Built without
/// allocating; the text is only made when an error names it or a nested message needs it.
public struct ProtobufJSONPath: Sendable {
    /// The path of the enclosing message (empty at the root).
    public var parent: String
    /// The field's JSON name.
    public var name: String
    /// The element's index, inside a repeated field.
    public var index: Int?

    /// The root: the request itself.
    public init() {
        self.parent = ""
        self.name = ""
        self.index = nil
    }

    public init(parent: String, name: String, index: Int? = nil) {
        self.parent = parent
        self.name = name
        self.index = index
    }

    /// The path as text, e.g. `lines[2].unitPrice`.
    public var string: String {
        var result = self.parent.isEmpty || self.name.isEmpty ? self.parent + self.name : self.parent + "." + self.name
        if let index = self.index { result += "[\(index)]" }
        return result
    }

    /// The path of one element of the repeated field here.
    public func element(_ index: Int) -> ProtobufJSONPath {
        ProtobufJSONPath(parent: self.parent, name: self.name, index: index)
    }

    /// `INVALID_ARGUMENT` naming this path.
    public func invalid(_ reason: String) -> RPCError {
        let field = self.string
        return RPCError.invalidArgument(field: field.isEmpty ? "(request)" : field, reason: reason)
    }

    /// The error for a member no field is named after.
    public func unknownField() -> RPCError { self.invalid("unknown field") }

    /// The error for a second member of one oneof.
    public func oneofConflict(_ oneof: String) -> RPCError {
        self.invalid("another field of oneof \(oneof) is already set")
    }
}
