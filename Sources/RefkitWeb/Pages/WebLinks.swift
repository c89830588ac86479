import RefkitStore

/// The UI's URLs, in one place, so every link and form names exactly the routes the server serves.
public enum WebLinks {
    /// The kits list.
    public static let list = "/"
    /// The upload page (GET) and its no-script form (POST).
    public static let upload = "/upload"
    /// The script and style every page loads.
    public static let script = "/assets/app.js"
    public static let style = "/assets/app.css"
    /// The JSON API and the event stream app.js uses.
    public static let api = "/api/v1"
    public static let events = "/api/v1/events"
    public static let orders = "/api/v1/orders"

    /// A kit's page.
    public static func kit(_ id: String) -> String { "/kits/" + WebForm.encoded(id) }
    /// A kit's selection screen (GET) and the form that picks a candidate (POST).
    public static func select(_ id: String) -> String { kit(id) + "/select" }
    /// The form that makes stages again.
    public static func regenerate(_ id: String) -> String { kit(id) + "/regenerate" }
    /// The form that retries failed stages.
    public static func retry(_ id: String) -> String { kit(id) + "/retry" }
    /// The form that deletes a kit (with `confirm=yes`).
    public static func delete(_ id: String) -> String { kit(id) + "/delete" }

    /// The URL of `relative` (a path inside the kit's folder, `expressions/smile.png`) in the
    /// kit's outbox folder, or nil before the kit was published; `version` (a sha256) is added as
    /// `?v=` so a browser never shows a cached earlier image under a new one's name.
    public static func file(_ kit: KitRecord, _ relative: String, version: String? = nil) -> String? {
        guard let folder = outboxFolder(kit) else { return nil }
        let path = relative.split(separator: "/").map { WebForm.encoded(String($0)) }.joined(separator: "/")
        return OutboxPath.prefix + WebForm.encoded(folder) + "/" + path + (version.map { "?v=" + WebForm.encoded($0) } ?? "")
    }

    /// The kit's folder name in its outbox (the last component of `outboxDir`), or nil.
    public static func outboxFolder(_ kit: KitRecord) -> String? {
        guard let dir = kit.outboxDir else { return nil }
        let name = dir.split(separator: "/").last.map(String.init) ?? ""
        return name.isEmpty ? nil : name
    }
}
