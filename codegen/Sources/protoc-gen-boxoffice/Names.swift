/// Naming rules: protoc-c's for the C side (they must match its output exactly), ours for Swift.
enum Names {
    /// protoc-c's `ToCamel`: `foo_bar` → `FooBar`.
    static func cCamel(_ piece: Substring) -> String {
        var result = ""
        var nextIsUpper = true
        for character in piece {
            if character == "_" {
                nextIsUpper = true
            } else if nextIsUpper {
                result += character.uppercased()
                nextIsUpper = false
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// protoc-c's `CamelToLower`: `ItemsByName` → `items_by_name`, `HTTPThing` → `httpthing`.
    static func cLower(_ piece: Substring) -> String {
        var result = ""
        var wasUpper = true
        for character in piece {
            if character.isUppercase {
                if !wasUpper { result += "_" }
                result += character.lowercased()
                wasUpper = true
            } else {
                result.append(character)
                wasUpper = false
            }
        }
        return result
    }

    /// The C type of a message: `boxoffice.x.v1.Outer.Inner` → `Boxoffice__X__V1__Outer__Inner`.
    static func cTypeName(fullName: String) -> String {
        fullName.split(separator: ".").map(cCamel).joined(separator: "__")
    }

    /// The prefix of a message's C functions: `boxoffice__x__v1__outer__inner`.
    static func cFunctionPrefix(fullName: String) -> String {
        fullName.split(separator: ".").map(cLower).joined(separator: "__")
    }

    /// protoc-c's member name of a field: lowercased, `_` appended to C and C++ keywords.
    static func cFieldName(_ name: String) -> String {
        let lower = name.lowercased()
        return cKeywords.contains(lower) ? lower + "_" : lower
    }

    /// The Swift prefix of a package's types: `boxoffice.payments.v1` → `Payments_V1_` (the
    /// common `boxoffice` root is dropped: every contract has it).
    static func swiftPrefix(package: String) -> String {
        var pieces = package.split(separator: ".")
        if pieces.first == "boxoffice", pieces.count > 1 { pieces.removeFirst() }
        return pieces.map { upperCamel(String($0)) }.joined(separator: "_") + (pieces.isEmpty ? "" : "_")
    }

    /// `foo_bar` → `FooBar`.
    static func upperCamel(_ name: String) -> String {
        name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A field's Swift property name: `invoice_id` → `invoiceID` (common initialisms in capitals,
    /// as the Swift API guidelines ask).
    static func swiftField(_ name: String) -> String {
        let parts = name.split(separator: "_")
        var result = ""
        for (index, part) in parts.enumerated() {
            if index == 0 {
                result += part.prefix(1).lowercased() + part.dropFirst()
            } else if initialisms.contains(part.lowercased()) {
                result += part.uppercased()
            } else {
                result += part.prefix(1).uppercased() + part.dropFirst()
            }
        }
        return result.isEmpty ? "field" : result
    }

    /// An enum case: the value name without the enum's prefix, lowerCamelCase:
    /// `COLOR_DARK_RED` in `Color` → `darkRed`.
    static func swiftEnumCase(valueName: String, enumName: String) -> String {
        let prefix = upperSnake(enumName) + "_"
        var stripped = valueName.hasPrefix(prefix) ? String(valueName.dropFirst(prefix.count)) : valueName
        if stripped.isEmpty || stripped.first!.isNumber { stripped = valueName }
        let parts = stripped.lowercased().split(separator: "_")
        var result = ""
        for (index, part) in parts.enumerated() {
            result += index == 0 ? String(part) : part.prefix(1).uppercased() + part.dropFirst()
        }
        return result
    }

    /// `ItemKind` → `ITEM_KIND`.
    static func upperSnake(_ name: String) -> String {
        var result = ""
        var previousIsLower = false
        for character in name {
            if character.isUppercase, previousIsLower { result += "_" }
            result += character.uppercased()
            previousIsLower = character.isLowercase || character.isNumber
        }
        return result
    }

    /// Escapes Swift keywords with backticks.
    static func escaped(_ name: String) -> String {
        swiftKeywords.contains(name) ? "`\(name)`" : name
    }

    static let initialisms: Set<String> = ["id", "url", "uri", "http", "json", "api", "uuid"]

    static let swiftKeywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
        "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw",
        "switch", "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws",
        "true", "try", "some", "any", "consume", "copy", "borrowing", "consuming",
    ]

    /// protoc-c appends `_` to these (its list is C++'s keywords).
    static let cKeywords: Set<String> = [
        "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch", "char", "class",
        "compl", "const", "const_cast", "continue", "default", "delete", "do", "double", "dynamic_cast", "else",
        "enum", "explicit", "extern", "false", "float", "for", "friend", "goto", "if", "inline", "int", "long",
        "mutable", "namespace", "new", "not", "not_eq", "operator", "or", "or_eq", "private", "protected",
        "public", "register", "reinterpret_cast", "return", "short", "signed", "sizeof", "static", "static_cast",
        "struct", "switch", "template", "this", "throw", "true", "try", "typedef", "typeid", "typename", "union",
        "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
    ]
}
