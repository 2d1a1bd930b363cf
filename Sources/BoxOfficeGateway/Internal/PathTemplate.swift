/// A parsed binding template such as `/v1/subscriptions/{subscriptionId}:cancel`: literal and
/// variable segments, and an optional custom verb after the last segment.
struct PathTemplate: Sendable, Hashable {
    enum Segment: Sendable, Hashable {
        case literal(String)
        /// A whole segment bound to the request field with this JSON name.
        case variable(String)
    }

    let text: String
    let segments: [Segment]
    /// The `cancel` of `…/{id}:cancel`, or nil.
    let customVerb: String?
    /// More literal segments and a custom verb make a template more specific: it is tried first.
    let specificity: Int

    /// Parses `text`; nil when it is not a template the gateway can serve (no leading `/`, empty
    /// segments, braces that do not span a whole segment, an empty verb).
    init?(_ text: String) {
        guard text.hasPrefix("/") else { return nil }
        self.text = text
        var body = Substring(text.dropFirst())
        var verb: String?
        // The custom verb is a `:` in the last segment outside braces.
        let lastSegmentStart = body.lastIndex(of: "/").map { body.index(after: $0) } ?? body.startIndex
        let lastSegment = body[lastSegmentStart...]
        if let colon = lastSegment.lastIndex(of: ":"), !lastSegment[colon...].contains("}") {
            let name = String(body[body.index(after: colon)...])
            guard !name.isEmpty else { return nil }
            verb = name
            body = body[..<colon]
        }
        var segments: [Segment] = []
        if !body.isEmpty {
            for part in body.split(separator: "/", omittingEmptySubsequences: false) {
                guard !part.isEmpty else { return nil }
                if part.hasPrefix("{") {
                    guard part.hasSuffix("}"), part.count > 2 else { return nil }
                    let name = part.dropFirst().dropLast()
                    guard !name.contains("{"), !name.contains("}"), !name.contains("=") else { return nil }
                    segments.append(.variable(String(name)))
                } else {
                    guard !part.contains("{"), !part.contains("}") else { return nil }
                    segments.append(.literal(String(part)))
                }
            }
        }
        self.segments = segments
        self.customVerb = verb
        let literals = segments.reduce(0) { count, segment in
            if case .literal = segment { return count + 1 }
            return count
        }
        self.specificity = literals * 2 + (verb == nil ? 0 : 1)
    }

    /// The names of the variables, in order.
    var variableNames: [String] {
        self.segments.compactMap {
            if case .variable(let name) = $0 { return name }
            return nil
        }
    }

    /// Matches decoded path segments (the custom verb still attached to the last one); returns the
    /// variables' values, or nil when the path does not fit.
    func match(_ pathSegments: [Substring]) -> [(name: String, value: String)]? {
        guard pathSegments.count == self.segments.count else { return nil }
        var values: [(name: String, value: String)] = []
        for (index, segment) in self.segments.enumerated() {
            var part = pathSegments[index]
            if index == self.segments.count - 1 {
                if let verb = self.customVerb {
                    guard let stripped = Self.removingCustomVerb(verb, from: part) else { return nil }
                    part = stripped
                } else if part.utf8.contains(UInt8(ascii: ":")), case .literal = segment {
                    return nil
                }
            }
            switch segment {
            case .literal(let literal):
                // Byte equality: the path is percent-encoded ASCII, and a literal is too.
                guard part.utf8.elementsEqual(literal.utf8) else { return nil }
            case .variable(let name):
                guard !part.isEmpty, let decoded = PercentDecoding.decode(part, plusIsSpace: false) else {
                    return nil
                }
                values.append((name, decoded))
            }
        }
        return values
    }

    /// `part` without its `:verb` suffix, or nil when it does not end with one.
    private static func removingCustomVerb(_ verb: String, from part: Substring) -> Substring? {
        let verbBytes = verb.utf8.count
        guard part.utf8.count > verbBytes else { return nil }
        let colon = part.utf8.index(part.utf8.endIndex, offsetBy: -(verbBytes + 1))
        guard part.utf8[colon] == UInt8(ascii: ":"),
            part.utf8[part.utf8.index(after: colon)...].elementsEqual(verb.utf8)
        else { return nil }
        return part[..<colon]
    }

    /// The OpenAPI path key: the template without its custom verb's colon escaped (OpenAPI
    /// keeps `:` literally).
    var openAPIPath: String { self.text }
}
