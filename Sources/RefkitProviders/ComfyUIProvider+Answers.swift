import Foundation
import Logging
import RefkitCore
import RefkitDigest
import RefkitHTTP

extension ComfyUIProvider {
    /// One image in a job's outputs.
    struct OutputImage: Sendable, Equatable {
        var filename: String
        var subfolder: String
        var type: String
    }

    /// A history entry's verdict: nil while it is not finished, the image to download when it
    /// is, a final error when it failed.
    static func outcome(of entry: JSONValue, outputNode: String?, provider: String) throws(ProviderError) -> OutputImage? {
        let status = entry["status"]
        if status?["status_str"]?.stringValue == "error" {
            throw executionError(status, provider: provider)
        }
        let outputs = entry["outputs"]?.objectValue ?? []
        func images(_ node: JSONValue) -> [OutputImage] {
            (node["images"]?.arrayValue ?? []).compactMap { item in
                guard let filename = item["filename"]?.stringValue, !filename.isEmpty else { return nil }
                return OutputImage(
                    filename: filename, subfolder: item["subfolder"]?.stringValue ?? "", type: item["type"]?.stringValue ?? "output")
            }
        }
        if let outputNode, let node = outputs.first(where: { $0.key == outputNode })?.value, let first = images(node).first {
            return first
        }
        let all = outputs.flatMap { images($0.value) }
        if let saved = all.first(where: { $0.type == "output" }) ?? all.first {
            return saved
        }
        let completed = status?["completed"] == .bool(true) || status?["status_str"]?.stringValue == "success"
        if completed {
            throw ProviderError.noImage(
                provider: provider, reason: "the job finished without an output image" + (outputNode.map { " (node \($0))" } ?? ""))
        }
        return nil
    }

    /// The `execution_error` (or `execution_interrupted`) message of a failed job.
    static func executionError(_ status: JSONValue?, provider: String) -> ProviderError {
        let messages = status?["messages"]?.arrayValue ?? []
        for message in messages {
            guard let pair = message.arrayValue, pair.count >= 2, let kind = pair[0].stringValue else { continue }
            let data = pair[1]
            let node = [data["node_id"]?.stringValue.map { "node \($0)" }, data["node_type"]?.stringValue.map { "(\($0))" }]
                .compactMap { $0 }.joined(separator: " ")
            if kind == "execution_error" {
                let text =
                    data["exception_message"]?.stringValue.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown error"
                let type = data["exception_type"]?.stringValue ?? ""
                return ProviderError(
                    code: .failed, message: "\(provider) failed to run the workflow: \(text)",
                    detail: [node, type].filter { !$0.isEmpty }.joined(separator: ", "), retryable: false)
            }
            if kind == "execution_interrupted" {
                return ProviderError(code: .failed, message: "\(provider)'s job was interrupted", detail: node, retryable: false)
            }
        }
        return ProviderError(
            code: .failed, message: "\(provider) failed to run the workflow", detail: "no execution_error message in the history",
            retryable: false)
    }

    /// The final error for a workflow ComfyUI refused to queue (HTTP 400 or `node_errors`).
    static func rejection(_ json: JSONValue?, body: [UInt8], status: Int, provider: String) -> ProviderError {
        var said = json.flatMap(errorMessage) ?? ""
        var details: [String] = ["HTTP \(status)"]
        if let type = json?[path: "error", "type"]?.stringValue { details.append(type) }
        for (id, node) in json?["node_errors"]?.objectValue ?? [] {
            let errors = (node["errors"]?.arrayValue ?? []).map { error -> String in
                let message = error["message"]?.stringValue ?? "error"
                let detail = error["details"]?.stringValue ?? ""
                return detail.isEmpty ? message : "\(message): \(detail)"
            }
            let kind = node["class_type"]?.stringValue.map { " (\($0))" } ?? ""
            details.append("node \(id)\(kind): \(errors.joined(separator: "; "))")
        }
        if said.isEmpty { said = json == nil ? LogRedaction.quote(body) : "the workflow is invalid" }
        return ProviderError(
            code: .badRequest, message: "\(provider) rejected the workflow: \(said)", detail: details.joined(separator: "; "),
            retryable: false)
    }

    /// ComfyUI's own explanation: `{"error":{"message","details"}}` or the older `{"error":"…"}`.
    static func errorMessage(_ json: JSONValue) -> String? {
        switch json["error"] {
        case .string(let text)?: return text
        case let error? where error.objectValue != nil:
            let message = error["message"]?.stringValue ?? ""
            let details = error["details"]?.stringValue ?? ""
            let joined = [message, details].filter { !$0.isEmpty }.joined(separator: ": ")
            return joined.isEmpty ? nil : joined
        default: return nil
        }
    }

    /// `{}`, `[]`, null and "" all mean "no node errors" (builds differ).
    static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .object(let members): members.isEmpty
        case .array(let items): items.isEmpty
        case .string(let s): s.isEmpty
        default: false
        }
    }

    /// The upload's name: the kit and the image's content hash. Different images never share a
    /// name, so concurrent stages cannot overwrite each other's inputs, while the same source
    /// uploaded for every stage of a kit stays one file in ComfyUI's input folder.
    static func uploadName(kitID: String, image: ReferenceImage) -> String {
        let kit = String(kitID.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" }.prefix(48))
        let ext =
            switch image.mime.lowercased() {
            case "image/png": "png"
            case "image/webp": "webp"
            case "image/gif": "gif"
            default: "jpg"
            }
        return "refkit-\(kit)-\(SHA256Digest.hex(of: image.bytes).prefix(24)).\(ext)"
    }

    /// A random version-4 UUID in canonical lowercase form (ComfyUI's `client_id`).
    static func makeClientID() -> String { UUID().uuidString.lowercased() }

    /// Percent-encoding for a query value or a path segment.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
