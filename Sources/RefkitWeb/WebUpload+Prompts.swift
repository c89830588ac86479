import Foundation
import RefkitCore

extension WebUpload {
    /// The upload form's prompt fields (issue 17, item 3): `style` (added after every stage
    /// prompt) and `negative_prompt`, as the order's `prompts.style` and `negative_prompt`.
    /// Intake validates them like a dropped order's.
    static func promptFields(_ form: WebMultipart) -> [(String, JSONValue)] {
        func text(_ name: String) -> String? {
            form.texts(name).first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        var members: [(String, JSONValue)] = []
        if let style = text("style") { members.append(("prompts", .object([("style", .string(style))]))) }
        if let negative = text("negative_prompt") { members.append(("negative_prompt", .string(negative))) }
        return members
    }
}
