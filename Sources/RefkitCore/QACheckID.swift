/// The automatic quality checks a reference can go through, by their stable names (orders'
/// `qa_checks`, the configuration's `[qa] checks`, the manifest's `qa.checks[].check`).
public enum QACheckID: String, Sendable, CaseIterable, Codable {
    /// Not blank or near-uniform, not tiny, an image at all.
    case health
    /// Not the same picture as another image of the kit, the source or the locked reference.
    case duplicate
    /// Not another image of the kit flipped left-right.
    case mirror
    /// The faces the view must (or must not) show.
    case face
    /// The face is the locked reference's person (photoreal kits only).
    case identity
    /// The vision judge's rubric.
    case judge
}
