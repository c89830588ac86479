import Foundation
import RefkitCore

/// How each provider takes a negative prompt (issue 17, item 3): fal and Replicate under an
/// input field, ComfyUI in a negative text node (`ComfyUIWorkflow+Negative`), Gemini and OpenAI
/// (which have no such field) as a closing "Avoid: …" sentence; the preview ignores it.
extension GenerationRequest {
    /// The negative prompt, trimmed; nil when there is none or it is blank.
    public var negativeText: String? {
        guard let text = negativePrompt?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// The prompt for a provider without a negative field: the negative prompt follows as a
    /// sentence of its own, since these models take instructions in plain language.
    public var promptWithAvoidance: String {
        guard let negative = negativeText else { return prompt }
        let stop = negative.last.map { ".!?".contains($0) } == true ? "" : "."
        return "\(prompt) Avoid: \(negative)\(stop)"
    }
}

extension ProviderSettings {
    /// The input field fal and Replicate send a negative prompt under: `negative_prompt_field`,
    /// default `negative_prompt`; set to "" for an app that takes none (it is then not sent).
    var negativePromptField: String? {
        guard let given = extra["negative_prompt_field"] else { return "negative_prompt" }
        let field = given.trimmingCharacters(in: .whitespaces)
        return field.isEmpty ? nil : field
    }

    /// `request`'s negative prompt as an input member, when it has one and the app takes it.
    func negativeInput(_ request: GenerationRequest) -> (key: String, value: JSONValue)? {
        guard let text = request.negativeText, let field = negativePromptField else { return nil }
        return (field, .string(text))
    }
}

// What each provider actually sends, so a reference's record names the negative prompt only
// when it reached the model (the preview, and apps or workflows without a place for it, do not).

extension GeminiProvider {
    /// Sent inside the prompt ("Avoid: …").
    public func negativePromptSent(for request: GenerationRequest) -> String? { request.negativeText }
}

extension OpenAIProvider {
    /// Sent inside the prompt ("Avoid: …").
    public func negativePromptSent(for request: GenerationRequest) -> String? { request.negativeText }
}

extension FalProvider {
    /// Sent under `negative_prompt_field` unless that is set to "".
    public func negativePromptSent(for request: GenerationRequest) -> String? {
        settings.negativeInput(request) == nil ? nil : request.negativeText
    }
}

extension ReplicateProvider {
    /// Sent under `negative_prompt_field` unless that is set to "".
    public func negativePromptSent(for request: GenerationRequest) -> String? {
        settings.negativeInput(request) == nil ? nil : request.negativeText
    }
}

extension ComfyUIProvider {
    /// Sent into the workflow's `negative_node` when the configuration names one.
    public func negativePromptSent(for request: GenerationRequest) -> String? { workflow.negative == nil ? nil : request.negativeText }
}
