import RefkitCore

/// How many input images one provider request may carry (issue 17 item 1), and which of a
/// request's images go when there are more: the one place the cap is applied.
///
/// A request's images are its source, its locked reference and its further references (a
/// character's other sources, best first). The source and the locked reference are never
/// dropped here: a provider that takes one image already chooses between them (the locked
/// reference, else the source), so capping them would only change which one it sees. The
/// references fill what room is left, in their order; the ones after are dropped.
public struct InputImageCap: Sendable, Equatable {
    /// The most input images the provider takes (0: none beyond what its builder picks).
    public var maxImages: Int

    public init(maxImages: Int) { self.maxImages = max(0, maxImages) }

    /// How many of `references` fit beside the source and the locked reference, if given.
    public func keptReferences(hasSource: Bool, hasLocked: Bool, references: Int) -> Int {
        let fixed = (hasSource ? 1 : 0) + (hasLocked ? 1 : 0)
        return min(references, max(0, maxImages - fixed))
    }

    /// `request` with only the references that fit.
    public func apply(to request: GenerationRequest) -> GenerationRequest {
        var capped = request
        let kept = keptReferences(
            hasSource: request.source != nil, hasLocked: request.lockedReference != nil, references: request.references.count)
        capped.references = Array(request.references.prefix(kept))
        return capped
    }

    /// The `max_input_images` a provider's settings give, else `fallback` (the provider's own
    /// default, from what its API takes).
    public static func configured(_ settings: ProviderSettings, default fallback: Int) -> InputImageCap {
        InputImageCap(maxImages: settings.extra[settingKey].flatMap { Int($0) } ?? fallback)
    }

    /// The provider key that overrides a provider's default (`[providers.NAME] max_input_images`).
    public static let settingKey = "max_input_images"

    /// A provider with no stated limit (the offline preview draws from what it likes).
    public static let unlimited = InputImageCap(maxImages: .max)
}
