import RefkitCore

/// The upload page (`GET /upload`): the watches an image can go to and what an order can ask
/// for (the fixed views, profiles, default expressions, candidates), from `Order` and `Stage`.
public struct UploadView: Sendable, Equatable {
    /// The configured watches, in order; the first is preselected.
    public var watches: [String]
    /// The fixed views a person can tick.
    public var views: [Stage] = Stage.views
    /// What the expressions field shows before anyone types.
    public var defaultExpressions: [String] = Order.defaultExpressions
    /// The most candidates an order may ask for.
    public var maxCandidates: Int = Stage.maxCandidates
    /// The watch to preselect (a `?watch=` in the link), else the first.
    public var selectedWatch: String?

    /// A view of these watches.
    public init(watches: [String], selectedWatch: String? = nil) {
        self.watches = watches
        self.selectedWatch = selectedWatch.flatMap { watches.contains($0) ? $0 : nil } ?? watches.first
    }
}
