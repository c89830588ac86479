import Foundation
import RefkitCore

/// The order an upload form asks for, from its fields (the no-script `POST /upload`; app.js
/// builds the same JSON in the browser and posts it as the API's `order` field): `kit` (a name),
/// `stage` (repeated: a view or a profile), `expressions` and `scenes` (words separated by commas
/// or spaces; a scene may be `id: description` on its own line), `candidates`, `selection`.
/// It only shapes JSON: intake validates it as it would a dropped sidecar, with the same errors.
public enum UploadOrder {
    /// The order's JSON, or nil when the form asked for nothing beyond the watch's default order.
    public static func json(_ form: WebForm) -> JSONValue? {
        var members: [(String, JSONValue)] = []
        if let kit = trimmed(form.value("kit")) { members.append(("kit", .string(kit))) }
        let stages = form.values("stage").compactMap(trimmed)
        if stages.count == 1, StageProfile(rawValue: stages[0]) != nil {
            members.append(("stages", .string(stages[0])))
        } else if !stages.isEmpty {
            members.append(("stages", .array(stages.map(JSONValue.string))))
        }
        let expressions = words(form.value("expressions"))
        if !expressions.isEmpty { members.append(("expressions", .array(expressions.map(JSONValue.string)))) }
        let scenes = sceneList(form.value("scenes"))
        if !scenes.isEmpty {
            members.append(
                (
                    "scenes",
                    .array(
                        scenes.map {
                            .object([("id", .string($0.id))] + ($0.description.isEmpty ? [] : [("description", .string($0.description))]))
                        })
                ))
        }
        if let text = trimmed(form.value("candidates")) {
            // A number the validator checks for range; text that is not one is passed on as text, so the
            // person gets intake's own "expected integer" error rather than a silent drop.
            members.append(("candidates", Int(text).map(JSONValue.integer) ?? .string(text)))
        }
        if let selection = trimmed(form.value("selection")) { members.append(("selection", .string(selection))) }
        return members.isEmpty ? nil : .object(members)
    }

    static func trimmed(_ text: String?) -> String? {
        guard let value = text?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Words separated by commas, spaces or new lines.
    static func words(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
    }

    /// Scenes: one per line as `id: description`, or bare ids separated by commas or spaces.
    static func sceneList(_ text: String?) -> [(id: String, description: String)] {
        var scenes: [(id: String, description: String)] = []
        for line in (text ?? "").split(whereSeparator: \.isNewline) {
            if let colon = line.firstIndex(of: ":") {
                let id = line[..<colon].trimmingCharacters(in: .whitespaces)
                if !id.isEmpty { scenes.append((id, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))) }
            } else {
                scenes += words(String(line)).map { ($0, "") }
            }
        }
        return scenes
    }
}
