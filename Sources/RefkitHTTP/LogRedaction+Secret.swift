extension LogRedaction {
    /// How much of a secret's start counts as the secret: a text cut short (our `quote`, a
    /// provider's own truncation) may hold only the first part of an echoed key.
    static let secretPrefixMinimum = 8
    /// At most this much of an unparseable body is quoted in an error's detail.
    public static let bodyQuoteLimit = 512

    /// The first `bodyQuoteLimit` bytes of a body as text, for an error's detail.
    public static func quote(_ body: [UInt8]) -> String {
        let head = String(decoding: body.prefix(bodyQuoteLimit), as: UTF8.self)
        return body.count > bodyQuoteLimit ? head + "…" : head
    }

    /// Removes every occurrence of `secret`, and of any start of it at least
    /// `secretPrefixMinimum` characters long, from a text that may echo a request (a provider's
    /// message quoting the URL or the key it rejected). Texts are often cut before they reach
    /// here (`quote`, a provider's own truncation); matching starts of the key makes the order
    /// of cutting and redacting irrelevant: a key cut at character 38 of 41 leaves nothing.
    public static func redact(_ text: String, secret: String?) -> String {
        guard let secret, secret.count >= 4 else { return text }
        let key = Array(secret.utf8)
        let minimum = min(key.count, secretPrefixMinimum)
        let bytes = Array(text.utf8)
        guard bytes.count >= minimum else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        var changed = false
        while i < bytes.count {
            var length = 0
            while length < key.count, i + length < bytes.count, bytes[i + length] == key[length] { length += 1 }
            if length >= minimum {
                out.append(contentsOf: "[redacted]".utf8)
                i += length
                changed = true
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : text
    }
}
