/// Keeps secrets out of log lines and error details.
public enum LogRedaction {
    static let placeholder = "REDACTED"

    /// Query parameter names (lowercased) whose values are secrets, matched by substring so
    /// `api_key`, `X-Goog-Signature` and `access_token` are all caught.
    static let secretQueryWords = ["key", "token", "sig", "secret", "password", "passwd", "credential", "auth", "session"]

    /// The URL with user information and secret query values replaced by `REDACTED`.
    static func url(_ text: String) -> String {
        var text = text
        var fragment = ""
        if let hash = text.firstIndex(of: "#") {
            fragment = String(text[hash...])
            text = String(text[..<hash])
        }
        var query: Substring?
        if let mark = text.firstIndex(of: "?") {
            query = text[text.index(after: mark)...]
            text = String(text[..<mark])
        }
        // user:password@ in the authority.
        if let schemeEnd = text.range(of: "://") {
            let rest = text[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                text = String(text[..<schemeEnd.upperBound]) + placeholder + "@" + String(rest[rest.index(after: at)...])
            }
        }
        guard let query else { return text + fragment }
        let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<equals].lowercased()
            return isSecret(name) ? "\(pair[..<equals])=\(placeholder)" : String(pair)
        }
        return text + "?" + parts.joined(separator: "&") + (fragment.isEmpty ? "" : "#" + placeholder)
    }

    static func isSecret(_ name: String) -> Bool {
        secretQueryWords.contains { name.contains($0) }
    }

    /// Header lines for a log: names kept, secret values replaced.
    static func headers(_ headers: [(name: String, value: String)], secret: Set<String>) -> String {
        let lowered = Set(secret.map { $0.lowercased() })
        return headers.map { header in
            let name = header.name.lowercased()
            let hidden = lowered.contains(name) || name == "authorization" || name == "proxy-authorization" || name == "cookie"
            return "\(header.name): \(hidden ? placeholder : header.value)"
        }.joined(separator: ", ")
    }
}
