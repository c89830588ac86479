import RefkitCore
import RefkitImaging

/// The built-in offline provider: deterministic images that show the whole flow without an
/// account. The avatar is an attention crop of the source; other stages are the locked
/// reference (or source) on a canvas labelled with the stage ("PREVIEW · SIDE VIEW");
/// text-only stages are cards with the character's description.
public struct PreviewProvider: ImageProvider {
    public let name: String
    /// Simulated latency per image, for demos and benchmarks.
    public let delay: Duration

    public init(name: String = "preview", delay: Duration = .zero) {
        self.name = name
        self.delay = delay
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
                if let base = request.lockedReference ?? request.source ?? request.references.first {
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
                bytes: image.data, mime: image.mime, width: image.width, height: image.height, model: "preview-1", costUSD: 0)
        } catch let error as ProviderError {
            throw error
        } catch let error as ImagingError {
            throw ProviderError(
                code: .invalidInput, message: "the preview could not be drawn", detail: error.description, retryable: false)
        } catch {
            throw ProviderError(code: .failed, message: "\(error)", retryable: false)
        }
    }
}
