import Logging
import RefkitCore
import RefkitHTTP
import Testing

@testable import RefkitProviders

/// Issue 17 item 1: the one place a request's input images are capped to what its provider takes.
@Suite("Providers: input image cap")
struct InputImageCapTests {
    static func image(_ n: UInt8) -> ReferenceImage { ReferenceImage(bytes: [n], mime: "image/jpeg") }

    static func request(source: Bool = true, locked: Bool = true, references: Int = 3) -> GenerationRequest {
        GenerationRequest(
            kitID: "k", stage: .side, prompt: "p", source: source ? image(1) : nil, lockedReference: locked ? image(2) : nil,
            references: (0..<references).map { image(UInt8(10 + $0)) }, width: 8, height: 8, seed: 1)
    }

    @Test("references fill the room beside the source and the locked reference, best first; the rest are dropped")
    func trimsReferencesInOrder() {
        let capped = InputImageCap(maxImages: 4).apply(to: Self.request())
        #expect(capped.references.map(\.bytes) == [[10], [11]])
        #expect(capped.source?.bytes == [1])
        #expect(capped.lockedReference?.bytes == [2])
        #expect(InputImageCap(maxImages: 16).apply(to: Self.request()).references.count == 3)
        #expect(InputImageCap(maxImages: 2).apply(to: Self.request(locked: false)).references.map(\.bytes) == [[10]])
    }

    @Test("the locked reference and the source are never dropped, even by a cap of one or none")
    func neverDropsLocked() {
        for cap in [0, 1, 2] {
            let capped = InputImageCap(maxImages: cap).apply(to: Self.request())
            #expect(capped.lockedReference != nil)
            #expect(capped.source != nil)
            #expect(capped.references.isEmpty)
        }
        #expect(InputImageCap(maxImages: -3).maxImages == 0)
        #expect(InputImageCap(maxImages: 1).keptReferences(hasSource: false, hasLocked: false, references: 5) == 1)
    }

    @Test("defaults per provider from what its API takes; max_input_images overrides them")
    func defaults() {
        func settings(_ kind: String, _ extra: [String: String] = [:]) -> ProviderSettings {
            ProviderSettings(name: kind, kind: kind, baseURL: "http://127.0.0.1:1", extra: extra)
        }
        #expect(InputImageCap.configured(settings("gemini"), default: 14).maxImages == 14)
        #expect(InputImageCap.configured(settings("gemini", ["max_input_images": "3"]), default: 14).maxImages == 3)
        #expect(PreviewProvider(settings: settings("preview")).inputImageCap == .unlimited)
        let http = HTTPClient(logger: Logger(label: "test.cap"))
        #expect(GeminiProvider(settings: settings("gemini"), http: http).inputImageCap.maxImages == 14)
        #expect(OpenAIProvider(settings: settings("openai"), http: http).inputImageCap.maxImages == 16)
        #expect(FalProvider(settings: settings("fal"), http: http).inputImageCap.maxImages == 1)
        #expect(FalProvider(settings: settings("fal", ["images_field": "image_urls"]), http: http).inputImageCap.maxImages == 8)
        #expect(ReplicateProvider(settings: settings("replicate"), http: http).inputImageCap.maxImages == 1)
        let one = settings("openai", ["max_input_images": "1"])
        #expect(OpenAIProvider(settings: one, http: http).inputImageCap.maxImages == 1)
    }
}
