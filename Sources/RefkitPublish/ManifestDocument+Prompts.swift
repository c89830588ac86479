import Foundation
import RefkitCore

extension ManifestDocument {
    /// Records the kit's negative prompt on every reference that was sent to a provider (it
    /// has a prompt), stages and candidates alike (issue 17, item 3).
    public mutating func recordNegativePrompt(_ negative: String?) {
        guard let negative, !negative.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        for i in stages.indices where stages[i].prompt != nil { stages[i].negativePrompt = negative }
        for i in candidates.indices where candidates[i].prompt != nil { candidates[i].negativePrompt = negative }
    }
}
