/// The outcome of one QA check, or of a whole stage (the worst of its checks).
///
/// Ordered so that `max` is "worst of": `skipped` < `pass` < `warn` < `fail`. A skipped check
/// says nothing either way (QA off, a check that cannot see this view), so it never lowers a
/// stage that passed; a stage whose every check was skipped is `skipped`.
public enum QAVerdict: String, Sendable, CaseIterable, Codable, Comparable {
    /// Not checked (QA off, a check that cannot see this view, nothing to compare with).
    case skipped
    /// Checked and fine.
    case pass
    /// Published without retry, with the reason shown (a judge outage, a borderline identity).
    case warn
    /// Regenerated while attempts and budget allow; the kit ends `partial` if it stays.
    case fail

    /// The worst of `verdicts`; `skipped` when there are none.
    public static func worst<S: Sequence>(of verdicts: S) -> QAVerdict where S.Element == QAVerdict {
        verdicts.max() ?? .skipped
    }

    /// Whether a reference with this verdict lets its kit be `complete` (issue 15: every
    /// reference passed or warned; an unchecked reference, QA being off, does not hold it back).
    public var allowsComplete: Bool { self != .fail }

    private var severity: Int {
        switch self {
        case .skipped: 0
        case .pass: 1
        case .warn: 2
        case .fail: 3
        }
    }

    /// Less severe first.
    public static func < (lhs: QAVerdict, rhs: QAVerdict) -> Bool { lhs.severity < rhs.severity }
}
