import RefkitCore
import RefkitStore

/// What the kits list shows: its filters and where its page starts (`GET /?status=&watch=&needs_review=1&before=`).
public struct KitListQuery: Sendable, Equatable {
    public var status: KitStatus?
    public var watch: String?
    /// Only kits with a reference that failed QA.
    public var needsReview: Bool
    /// The keyset cursor: list the kits made before this kit's id (nil: the newest).
    public var before: String?

    /// A query from its parts.
    public init(status: KitStatus? = nil, watch: String? = nil, needsReview: Bool = false, before: String? = nil) {
        self.status = status
        self.watch = watch
        self.needsReview = needsReview
        self.before = before
    }

    /// The page of a list request whose filters `WebApp.kitQuery` read (the API's and the page's one reading).
    public init(filter: RefkitDatabase.KitFilter, before: String?) {
        self.init(status: filter.status, watch: filter.watch, needsReview: filter.needsReview, before: before)
    }

    /// The store's filter.
    public var filter: RefkitDatabase.KitFilter { .init(status: status, watch: watch, needsReview: needsReview) }

    /// The list's URL with these filters, starting before `before` (nil: the first page).
    public func href(before: String?) -> String {
        var pairs: [(String, String)] = []
        if let status { pairs.append(("status", status.rawValue)) }
        if let watch { pairs.append(("watch", watch)) }
        if needsReview { pairs.append(("needs_review", "1")) }
        if let before { pairs.append(("before", before)) }
        return pairs.isEmpty ? WebLinks.list : WebLinks.list + "?" + WebForm.query(pairs)
    }
}
