/// What a request asks for, from its method and path alone: a value, so routing is tested without
/// a server. Kit ids in paths are percent-decoded once and must be plain names.
public enum WebRoute: Sendable, Equatable {
    // Pages (HTML; the POST forms answer 303 so every button works without JavaScript).
    case listPage
    case kitPage(String)
    case selectionPage(String)
    case uploadPage
    case formSelect(String)
    case formRegenerate(String)
    case formRetry(String)
    case formDelete(String)
    case formUpload
    /// Issue 17, item 2: the kit page's "Make images" form.
    case formImages(String)
    /// The kit page's "Check again" form (`refkit qa`).
    case formQA(String)
    case asset(String)
    case file(String)
    // The JSON API.
    case status
    case kits
    case kit(String)
    case select(String)
    case regenerate(String)
    case retry(String)
    case delete(String)
    /// `POST /api/v1/kits/{id}/qa`: check a kit again (`refkit qa`), answered 202.
    case qa(String)
    case orders
    case events
    /// Issue 17, item 2: `POST /api/v1/kits/{id}/images`.
    case images(String)
    /// The hooks' deliveries: the Hooks page and its API (`HookRoute`).
    case hooks(HookRoute)

    /// The route of `method` and `path`, or why there is none.
    public static func match(method: String, path: Substring) -> Result<WebRoute, WebRouteMiss> {
        let method = method.uppercased()
        let readMethods: Set<String> = ["GET", "HEAD"]
        if path.hasPrefix(OutboxPath.prefix) {
            return readMethods.contains(method) ? .success(.file(String(path))) : .failure(.method(["GET", "HEAD"]))
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard let candidates = routes(segments) else { return .failure(.notFound) }
        if let route = candidates[method] ?? (method == "HEAD" ? candidates["GET"] : nil) { return .success(route) }
        return .failure(.method(candidates.keys.sorted()))
    }

    /// The routes at `segments`, by method; nil when no route has this path.
    static func routes(_ segments: [String]) -> [String: WebRoute]? {
        for (pattern, make) in table where pattern.count == segments.count {
            var captured: String?
            guard
                zip(pattern, segments).allSatisfy({ want, got in
                    if want == "*" {
                        captured = got
                        return true
                    }
                    return want == got
                })
            else { continue }
            guard let captured else { return make("") }
            return kitID(captured).map(make)
        }
        return nil
    }

    /// Paths (`*` is a kit id, or an asset's name) and their routes by method.
    static let table: [([String], @Sendable (String) -> [String: WebRoute])] = [
        ([""], { _ in ["GET": .listPage] }),
        (["upload"], { _ in ["GET": .uploadPage, "POST": .formUpload] }),
        (["assets", "*"], { ["GET": .asset($0)] }),
        (["kits", "*"], { ["GET": .kitPage($0)] }),
        (["kits", "*", "select"], { ["GET": .selectionPage($0), "POST": .formSelect($0)] }),
        (["kits", "*", "regenerate"], { ["POST": .formRegenerate($0)] }),
        (["kits", "*", "retry"], { ["POST": .formRetry($0)] }),
        (["kits", "*", "images"], { ["POST": .formImages($0)] }),
        (["kits", "*", "delete"], { ["POST": .formDelete($0)] }),
        (["kits", "*", "qa"], { ["POST": .formQA($0)] }),
        (["api", "v1", "status"], { _ in ["GET": .status] }),
        (["api", "v1", "kits"], { _ in ["GET": .kits] }),
        (["api", "v1", "kits", "*"], { ["GET": .kit($0), "DELETE": .delete($0)] }),
        (["api", "v1", "kits", "*", "select"], { ["POST": .select($0)] }),
        (["api", "v1", "kits", "*", "regenerate"], { ["POST": .regenerate($0)] }),
        (["api", "v1", "kits", "*", "retry"], { ["POST": .retry($0)] }),
        (["api", "v1", "kits", "*", "images"], { ["POST": .images($0)] }),
        (["api", "v1", "kits", "*", "qa"], { ["POST": .qa($0)] }),
        (["api", "v1", "orders"], { _ in ["POST": .orders] }),
        (["api", "v1", "events"], { _ in ["GET": .events] }),
        // The hooks' deliveries (`HookRoute`).
        (["hooks"], { _ in ["GET": .hooks(.page)] }),
        (["hooks", "deliveries", "*", "resend"], { ["POST": .hooks(.formResend($0))] }),
        (["api", "v1", "hooks", "deliveries"], { _ in ["GET": .hooks(.deliveries)] }),
        (["api", "v1", "hooks", "deliveries", "*", "resend"], { ["POST": .hooks(.resend($0))] }),
    ]

    /// A kit reference from a path segment (an id, name or slug, percent-decoded once); nil when
    /// empty or not a plain name.
    static func kitID(_ segment: String) -> String? {
        guard let bytes = OutboxPath.percentDecoded(Substring(segment)), let text = String(validating: bytes, as: UTF8.self),
            !text.isEmpty, text.utf8.count <= 255, !text.contains("/"), !text.unicodeScalars.contains(where: { $0.value < 0x20 })
        else { return nil }
        return text
    }

    /// True for the JSON API's routes (their errors are JSON, their answers never cached).
    public var isAPI: Bool {
        switch self {
        case .qa: true
        case .status, .kits, .kit, .select, .regenerate, .retry, .delete, .orders, .events, .images: true
        case .hooks(let route): route.isAPI
        default: false
        }
    }
}

/// Why a request has no route.
public enum WebRouteMiss: Error, Sendable, Equatable {
    case notFound
    /// The path exists with these methods only.
    case method([String])
}
