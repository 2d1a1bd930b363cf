/// The fields of one API request, from a JSON or a form body, read case-insensitively as the
/// provider reads them.
struct RequestFields: Sendable {
    /// Fields by lowercased name; a form field given twice (`Statuses=a&Statuses=b`) is an array.
    private var values: [String: JSONValue]

    init(json: JSONValue) {
        var values: [String: JSONValue] = [:]
        if case .object(let members) = json {
            for (key, value) in members { values[key.lowercased()] = value }
        }
        self.values = values
    }

    init(form: [(String, String)]) {
        var values: [String: JSONValue] = [:]
        for (rawKey, value) in form {
            // `Statuses[]=…` and `Statuses[0]=…` are the usual form spellings of an array.
            var key = rawKey.lowercased()
            var isArray = false
            if let bracket = key.firstIndex(of: "["), key.hasSuffix("]") {
                key = String(key[..<bracket])
                isArray = true
            }
            switch values[key] {
            case .array(let existing): values[key] = .array(existing + [.string(value)])
            case .some(let existing): values[key] = .array([existing, .string(value)])
            case .none: values[key] = isArray ? .array([.string(value)]) : .string(value)
            }
        }
        self.values = values
    }

    /// Parses a body by its content type: form when it says so, JSON otherwise; an empty body
    /// has no fields. Nil when the body is malformed.
    static func parse(body: [UInt8], contentType: String?) -> RequestFields? {
        let type = contentType?.lowercased() ?? ""
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return RequestFields(json: .object([]))
        }
        if type.contains("application/x-www-form-urlencoded") {
            return FormEncoding.decode(body).map { RequestFields(form: $0) }
        }
        guard let json = try? JSONParser.parse(body), case .object = json else { return nil }
        return RequestFields(json: json)
    }

    subscript(name: String) -> JSONValue? {
        switch values[name.lowercased()] {
        case .none, .some(.null): return nil
        case .some(let value): return value
        }
    }

    /// A field as text; an empty string counts as absent.
    func string(_ name: String) -> String? {
        guard let text = self[name]?.text, !text.isEmpty else { return nil }
        return text
    }

    /// A boolean in any of the loose spellings: `true`/`false`, `1`/`0`.
    func bool(_ name: String) -> Bool? {
        switch self[name] {
        case .bool(let value): return value
        case .some(let value):
            switch value.text?.lowercased() {
            case "1", "true": return true
            case "0", "false": return false
            default: return nil
            }
        case .none: return nil
        }
    }

    func integer(_ name: String) -> Int64? {
        self.string(name).flatMap { Int64($0) }
    }

    /// An array field; a single value counts as a one-element array.
    func strings(_ name: String) -> [String] {
        switch self[name] {
        case .array(let elements): return elements.compactMap(\.text)
        case .some(let value): return value.text.map { [$0] } ?? []
        case .none: return []
        }
    }

    /// `JsonData` as JSON text: an object is serialized, a string is kept as written, since the
    /// provider gives it back as a string either way.
    func jsonText(_ name: String) -> String? {
        switch self[name] {
        case .string(let text): return text.isEmpty ? nil : text
        case .some(let value): return value.serialized()
        case .none: return nil
        }
    }
}
