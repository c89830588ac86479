import RefkitCore

/// The body of a delivery: the kit's summary as the list API gives it (`KitJSON.summary`), with
/// what the notice is (`event`), its id (`delivery`) and the kit's folder in the outbox.
public enum HookPayload {
    public static func body(summary: JSONValue, event: String, delivery: String, outboxDir: String?) -> String {
        var members: [(key: String, value: JSONValue)] = [("event", .string(event)), ("delivery", .string(delivery))]
        if case .object(let kit) = summary { members += kit.filter { $0.key != "event" && $0.key != "delivery" } }
        members.append(("outbox_dir", .optional(outboxDir)))
        return JSONValue.object(members).serialized
    }

    /// What a command hook is given as arguments (the kit's folder, "" when it has none, and its
    /// status), read back from a stored body.
    public static func commandArguments(of body: String) -> (folder: String, status: String) {
        let json = try? JSONValue.parse(body)
        func text(_ key: String) -> String {
            if case .string(let s)? = json?[key] { return s }
            return ""
        }
        return (text("outbox_dir"), text("status"))
    }
}

/// Hook URLs in errors and logs: webhook URLs often carry their token in the path
/// (`https://hooks.slack.com/services/T0/B0/XXXX`), so only the scheme and host are shown.
public enum HookURL {
    /// `text` with the URL's path (and what follows it) replaced by `/…` wherever it appears.
    public static func masked(_ text: String, url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let slash = url[schemeEnd.upperBound...].firstIndex(of: "/") else { return text }
        let path = url[slash...].prefix { $0 != "?" && $0 != "#" }
        guard path.count > 1 else { return text }
        return text.replacingOccurrences(of: String(path), with: "/…")
    }
}
