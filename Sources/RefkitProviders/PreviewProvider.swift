import RefkitCore
import RefkitImaging

/// The built-in offline provider: deterministic images that show the whole flow without an
/// account. The avatar is an attention crop of the source; every view is a figure drawn as the
/// view should look, in the character's colours (`FigureSketch`), labelled with the stage
/// ("PREVIEW · SIDE VIEW"); a photographed character's frontal views carry its own face.
/// Text-only characters are cards with their description. Each image costs
/// `price_per_image_usd`, so budgets can be tried offline.
public struct PreviewProvider: ImageProvider {
    public let name: String
    /// Simulated latency per image, for demos and benchmarks.
    public let delay: Duration
    /// What each image is recorded as costing (`price_per_image_usd`).
    public let pricePerImageUSD: Double

    public init(name: String = "preview", delay: Duration = .zero, pricePerImageUSD: Double = 0) {
        self.name = name
        self.delay = delay
        self.pricePerImageUSD = pricePerImageUSD
    }

    /// A preview provider as configured: `delay_ms` from the provider's extra keys, the price per image.
    public init(settings: ProviderSettings) {
        let delay = Int(settings.extra["delay_ms"] ?? "0") ?? 0
        self.init(name: settings.name, delay: .milliseconds(delay), pricePerImageUSD: settings.pricePerImageUSD)
    }

    public func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        if delay > .zero {
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw ProviderError(code: .taskCancelled, message: "the request was cancelled", retryable: true)
            }
        }
        do {
            let image: EncodedImage
            switch request.stage {
            case .avatar:
                guard let source = request.source else {
                    throw ProviderError(code: .badRequest, message: "the avatar needs a source image", retryable: false)
                }
                image = try ImageOps.attentionSquare(source.bytes, size: min(request.width, request.height))
            default:
                if let view = FigureView(stage: request.stage) {
                    image = try drawn(view, for: request)
                } else if let base = request.lockedReference ?? request.source ?? request.references.first {
                    image = try ImageOps.labelledCanvas(
                        base.bytes, label: "PREVIEW · \(request.stage.label)", width: request.width, height: request.height,
                        seed: request.seed)
                } else {
                    image = try ImageOps.textCard(
                        title: "PREVIEW · \(request.title.isEmpty ? request.stage.label : request.title)",
                        body: request.body.isEmpty ? request.prompt : request.body,
                        width: request.width, height: request.height, seed: request.seed)
                }
            }
            return GeneratedImage(
                bytes: image.data, mime: image.mime, width: image.width, height: image.height, model: "preview-1", costUSD: pricePerImageUSD
            )
        } catch let error as ProviderError {
            throw error
        } catch let error as ImagingError {
            throw ProviderError(
                code: .invalidInput, message: "the preview could not be drawn", detail: error.description, retryable: false)
        } catch {
            throw ProviderError(code: .failed, message: "\(error)", retryable: false)
        }
    }

    /// The stage's view drawn in the character's colours, read from the source (the whole
    /// character) or else the locked reference; a text-only kit's colours come from the prompt's
    /// attribute words. Only a photographed character's face is pasted: a drawn one is redrawn.
    private func drawn(_ view: FigureView, for request: GenerationRequest) throws(ImagingError) -> EncodedImage {
        let fallback = FigureColours.described(request.prompt, key: request.kitID)
        var sample: FigureSample?
        if let picture = request.source ?? request.lockedReference { sample = try ImageOps.figureSample(picture.bytes, fallback: fallback) }
        let sketch = FigureSketch(
            view: view, colours: sample?.colours ?? fallback, width: request.width, height: request.height, seed: request.seed,
            label: "PREVIEW · \(request.stage.label)", pastesFace: sample?.photographic == true && request.lockedReference != nil)
        return try ImageOps.figure(sketch, face: request.lockedReference?.bytes)
    }
}
