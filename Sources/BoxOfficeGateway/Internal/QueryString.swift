import BoxOfficeRPC

/// Parses `a=1&b=two` into request parameters.
enum QueryString {
    /// The parameters of `query`, percent-decoded (`+` is a space), every value of a name in
    /// order (repeated fields take them all; the decoder refuses several for other fields). A
    /// malformed escape or a name that is not a field name is `INVALID_ARGUMENT` naming it.
    static func parameters(_ query: Substring, into parameters: inout [String: [String]]) throws(RPCError) {
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: "=")
            let rawName = equals.map { pair[..<$0] } ?? pair
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? ""
            guard let name = PercentDecoding.decode(rawName, plusIsSpace: true), !name.isEmpty else {
                throw RPCError.invalidArgument(field: "(query)", reason: "malformed query parameter name")
            }
            guard Self.isFieldPath(name) else {
                throw RPCError.invalidArgument(field: "(query)", reason: "unknown query parameter")
            }
            guard let value = PercentDecoding.decode(rawValue, plusIsSpace: true) else {
                throw RPCError.invalidArgument(field: name, reason: "malformed percent-encoding")
            }
            parameters[name, default: []].append(value)
        }
    }

    /// `name` or `outer.inner`: what a field path looks like (so a query name cannot smuggle
    /// JSON structure into the request).
    private static func isFieldPath(_ name: String) -> Bool {
        // Parts separated by single dots; each starts with a letter or `_` and goes on with
        // letters, digits and `_`.
        var atPartStart = true
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"):
                atPartStart = false
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard !atPartStart else { return false }
            case UInt8(ascii: "."):
                guard !atPartStart else { return false }
                atPartStart = true
            default:
                return false
            }
        }
        return !atPartStart
    }
}
