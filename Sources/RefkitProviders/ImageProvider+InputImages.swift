// Issue 17 item 1: how many input images each provider takes by default (providers.md), each
// overridden by `[providers.NAME] max_input_images`. The scheduler applies the cap
// (`InputImageCap.apply`); builders send what they are given.

extension GeminiProvider {
    /// Gemini takes several `inline_data` parts in one request, bounded by the request size (100 MB
    /// of base64) rather than a count; Gemini 3 Pro Image documents up to 14 reference images.
    public var inputImageCap: InputImageCap { .configured(settings, default: 14) }
}

extension OpenAIProvider {
    /// `/images/edits` takes up to 16 repeated `image[]` parts.
    public var inputImageCap: InputImageCap { .configured(settings, default: 16) }
}

extension FalProvider {
    /// With `images_field` the app takes a list (no documented bound; 8 keeps the body, a data
    /// URI per image, bounded); with `image_field` exactly one.
    public var inputImageCap: InputImageCap {
        .configured(settings, default: settings.extra["images_field"].map { $0.isEmpty ? 1 : 8 } ?? 1)
    }
}

extension ReplicateProvider {
    /// One `image_field` input unless an `images_field` list is configured (then as fal).
    public var inputImageCap: InputImageCap {
        .configured(settings, default: settings.extra["images_field"].map { $0.isEmpty ? 1 : 8 } ?? 1)
    }
}

extension ComfyUIProvider {
    /// One image per `LoadImage` node the workflow maps (`image_nodes`), in order.
    public var inputImageCap: InputImageCap { .configured(settings, default: workflow.imageNodes.count) }
}
