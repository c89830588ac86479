import RefkitCore

/// Whether an order can be made by the providers this configuration has: intake, `refkit check`
/// and the start-up check of each watch's `default_order` ask here, so an order naming a provider
/// that is not configured (or a model its provider cannot take) is refused when it arrives, not
/// after the kit has been queued and every stage has failed.
extension Configuration {
    /// Why `order`, dropped into the watch named `watch`, cannot be made with the configured
    /// providers (`order_provider_unknown`, `order_model_unsupported`); nil when it can. Fields
    /// the order leaves out come from `kit` (the folded orders of the kit a follow-up or control
    /// order acts on) and then the watch's `default_order`, as the scheduler fills them in.
    public func providerProblem(for order: Order, watch: String, kit: Order? = nil) -> RefkitError? {
        let base = self.watch(named: watch)?.defaultOrder ?? Order(provider: "preview")
        let effective = order.overlaying((kit ?? Order()).overlaying(base))
        if let problem = imageProviderProblem(for: order, kitProvider: effective.provider ?? "preview") { return problem }
        let named = [("provider", effective.provider ?? "preview"), ("fallback_provider", effective.fallbackProvider)]
        for case let (key, name?) in named {
            guard let provider = providers[name] else {
                return RefkitError(
                    .orderProviderUnknown, "the order names a provider that is not configured",
                    detail: "$.\(key) \"\(name)\": known providers are \(knownProviders) (add [providers.\(name)] to \(file))")
            }
            if let model = effective.model, let why = provider.modelProblem(model) {
                return RefkitError(
                    .orderModelUnsupported, "the order's model cannot be made by its provider", detail: "$.model \"\(model)\": \(why)")
            }
        }
        return providerInputsProblem(effective.providerInputs)
    }

    /// The configured provider names, sorted, for messages.
    public var knownProviders: String { providers.keys.sorted().joined(separator: ", ") }
}

extension Configuration.Provider {
    /// Why this provider cannot take `model` as an order's `model`, when that is knowable from the
    /// configuration alone (the provider kind's model syntax, a pinned version, a workflow that
    /// decides); nil when it can or when only the provider itself can tell.
    public func modelProblem(_ model: String) -> String? {
        // The configured model is what the provider runs anyway.
        if model == self.model { return nil }
        switch kind {
        case "preview" where model == "preview-1":  // what PreviewProvider records as its model
            return nil
        case "preview":
            return "provider \(name) (preview) makes offline placeholder images and takes no model"
        case "comfyui":
            return "provider \(name) (comfyui) runs its workflow, which decides the model; change the workflow or add a provider"
        case "gemini":
            let bare = model.hasPrefix("models/") ? String(model.dropFirst("models/".count)) : model
            guard Self.isPathSegmentSafe(bare) else { return "provider \(name) (gemini) takes a model name such as gemini-2.5-flash-image" }
            return nil
        case "fal":
            guard Self.isPathSafe(model, segments: 2...) else {
                return "provider \(name) (fal) takes a fal application id, owner/alias[/path] (e.g. fal-ai/flux-pro/kontext)"
            }
            return nil
        case "replicate":
            if let version = extra["version"], !version.isEmpty {
                return "provider \(name) (replicate) is pinned to version \(version); remove `version` to choose models per order"
            }
            guard Self.isPathSafe(model, segments: 2...2) else { return "provider \(name) (replicate) takes a model owner/name" }
            return nil
        default:
            // openai and in-process providers: any name may be valid; the provider answers.
            return nil
        }
    }

    /// Whether `path` has `segments` segments, each of `[A-Za-z0-9._-]`, none `.` or `..`: what
    /// fal and Replicate put into their URL paths.
    static func isPathSafe(_ path: String, segments allowed: some RangeExpression<Int>) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return allowed.contains(segments.count) && segments.allSatisfy { isPathSegmentSafe($0) && $0 != "." && $0 != ".." }
    }

    static func isPathSegmentSafe(_ segment: some StringProtocol) -> Bool {
        !segment.isEmpty
            && segment.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._".unicodeScalars.contains($0))
            }
    }
}
