/// What QA found in one reference, as reports carry it (manifest, gallery, contact sheet,
/// `refkit show`): the verdict, one line people read, and the manifest's `qa` object.
public struct QANote: Sendable, Equatable {
    /// The reference's verdict: the worst of its checks.
    public var verdict: QAVerdict
    /// The checks that warned or failed, with their details (`identity: distance 0.71 > 0.60`);
    /// empty when every check passed or was skipped.
    public var summary: String
    /// The manifest's `stages[i].qa` object (refkit's QAStageRecord).
    public var json: JSONValue

    /// A note from its parts.
    public init(verdict: QAVerdict, summary: String, json: JSONValue) {
        self.verdict = verdict
        self.summary = summary
        self.json = json
    }
}
