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
