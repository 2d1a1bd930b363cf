/// Accumulates indented source lines.
struct CodeWriter {
    private(set) var text = ""
    private var indentation = ""

    mutating func line(_ line: String = "") {
        if line.isEmpty {
            self.text += "\n"
        } else {
            self.text += self.indentation + line + "\n"
        }
    }

    /// Writes `open`, the body indented, then `close`.
    mutating func block(_ open: String, close: String? = "}", _ body: (inout CodeWriter) throws -> Void) rethrows {
        self.line(open)
        self.indentation += "    "
        try body(&self)
        self.indentation.removeLast(4)
        if let close { self.line(close) }
    }

    /// Writes a `switch` with its cases at the level of the `switch`, as swift-format lays them out.
    mutating func switchBlock(_ open: String, _ body: (inout CodeWriter) throws -> Void) rethrows {
        self.line(open)
        try body(&self)
        self.line("}")
    }

    /// Writes a proto comment as `///` lines, or `fallback` when the proto has none.
    mutating func doc(_ comment: String?, fallback: String? = nil) {
        guard let text = comment ?? fallback else { return }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasPrefix(" ") ? String($0.dropFirst()) : String($0)
        }
        while lines.last?.trimmingTrailingSpaces.isEmpty == true { lines.removeLast() }
        for line in lines {
            let trimmed = line.trimmingTrailingSpaces
            self.line(trimmed.isEmpty ? "///" : "/// " + trimmed)
        }
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var result = self
        while result.last == " " || result.last == "\t" { result.removeLast() }
        return result
    }

    /// A Swift string literal of `self`.
    var literal: String {
        var result = "\""
        for scalar in self.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
