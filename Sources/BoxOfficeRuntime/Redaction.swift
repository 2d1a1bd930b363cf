import Foundation

/// Removes secrets from text that may reach a log line or an error message.
public enum Redaction {
    /// `scheme://user:secret@host/...` → `scheme://user:***@host/...`; other text unchanged.
    public static func url(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        // The last '@' ends the user info even when a careless password holds '/', '?', '#' or
        // '@' unencoded; an '@' later in the path only makes the redaction cover more.
        guard let at = rest.lastIndex(of: "@") else { return url }
        let userInfo = rest[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<schemeEnd.upperBound]) + userInfo[..<colon] + ":***" + rest[at...]
    }
}
