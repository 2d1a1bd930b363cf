#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// JSON text to and from ``JSONValue``.
enum JSONCoding {
    /// The compact JSON text of `value`, object members sorted by name.
    static func encode(_ value: JSONValue) -> String {
        String(decoding: Self.encodeBytes(value), as: UTF8.self)
    }

    /// The compact UTF-8 JSON of `value`, object members sorted by name.
    static func encodeBytes(_ value: JSONValue) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue only fails for non-finite numbers, which JSON cannot express;
        // callers building claims from NaN or infinity have a bug.
        guard let data = try? encoder.encode(value) else {
            preconditionFailure("a JSON value holds a non-finite number")
        }
        return [UInt8](data)
    }

    /// The JSON object in `bytes`, or nil when they are not exactly one JSON object (duplicate
    /// member names included; see ``JSONParser``).
    static func decodeObject(_ bytes: [UInt8]) -> [String: JSONValue]? {
        guard case .object(let object) = JSONParser.parse(bytes) else { return nil }
        return object
    }
}
