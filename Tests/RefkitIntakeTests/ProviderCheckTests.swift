import Foundation
import RefkitConfig
import RefkitCore
import RefkitTestSupport
import Testing

/// Orders the configured providers cannot make are refused at intake (`order_provider_unknown`,
/// `order_model_unsupported`), with their images, instead of becoming kits whose every stage fails.
@Suite("Intake: orders checked against the configured providers", .timeLimit(.minutes(1)))
struct ProviderCheckTests {
    /// A watch whose default order uses `preview`, plus a fal provider with an app id.
    static func harness(imageWaitMs: Int = 800) throws -> IntakeHarness {
        let directory = try TemporaryDirectory("providers")
        let folders = try IntakeFolders(in: directory)
        let text =
            folders.configText(imageWaitMs: imageWaitMs) + """

                [providers.fal]
                kind = "fal"
                app_id = "fal-ai/flux-pro/kontext"
                """
        return try IntakeHarness(directory: directory, folders: folders, configText: text)
    }

    static func detail(_ name: String, in harness: IntakeHarness) throws -> String {
        try IntakeExpectations.errorReport("\(harness.rejected)/\(name).error.json")?["detail"] as? String ?? ""
    }

    @Test("a sidecar naming an unconfigured provider is rejected with its image; error.json names the known providers")
    func unknownProviderWithImage() async throws {
        // The rejected sidecar is remembered for image_wait_ms: generous, so a loaded machine
        // settling the image late does not take it alone with the default order.
        let harness = try Self.harness(imageWaitMs: 20_000)
        try await harness.start()
        let image = try ImageFixtures.jpeg(seed: 71)
        let order = Array(#"{"provider": "gemini", "stages": "core"}"#.utf8)
        try FileFixtures.write(order, to: "\(harness.inbox)/nova.json")
        try FileFixtures.write(image, to: "\(harness.inbox)/nova.jpg")
        try await harness.waitUntil("nova judged") { harness.inboxIsEmpty }
        try await harness.stop()
        try IntakeExpectations.rejected("nova.json", code: "order_provider_unknown", kind: .regular, bytes: order, in: harness.rejected)
        try IntakeExpectations.rejected("nova.jpg", code: "source_sidecar_invalid", kind: .regular, bytes: image, in: harness.rejected)
        let detail = try Self.detail("nova.json", in: harness)
        #expect(detail.contains("\"gemini\"") && detail.contains("fal, preview"), "\(detail)")
        #expect(try harness.count("SELECT count(*) FROM kits") == 0)
    }

    @Test("fallback providers, text-only plans and control orders are checked too")
    func otherOrders() async throws {
        let harness = try Self.harness()
        try await harness.start()
        let orders: [(name: String, json: String, code: String)] = [
            ("fallback", #"{"provider": "fal", "fallback_provider": "openai"}"#, "order_provider_unknown"),
            ("plan", #"{"provider": "replicate", "characters": [{"name": "ada"}]}"#, "order_provider_unknown"),
            ("again", #"{"kit": "anyone", "retry": true, "provider": "comfy"}"#, "order_provider_unknown"),
            ("placeholder", #"{"model": "gpt-image-1", "characters": [{"name": "bo"}]}"#, "order_model_unsupported"),
            ("fal-model", #"{"provider": "fal", "model": "flux", "characters": [{"name": "cy"}]}"#, "order_model_unsupported"),
        ]
        for order in orders { try FileFixtures.write(Array(order.json.utf8), to: "\(harness.inbox)/\(order.name).json") }
        try await harness.waitUntil("every order judged") { harness.inboxIsEmpty }
        try await harness.stop()
        for order in orders {
            try IntakeExpectations.rejected(
                "\(order.name).json", code: order.code, kind: .regular, bytes: Array(order.json.utf8), in: harness.rejected)
        }
        #expect(try harness.count("SELECT count(*) FROM kits") == 0)
    }

    @Test("a follow-up's model is judged against its kit's provider, not the watch's default")
    func followUpUsesTheKitsProvider() async throws {
        let harness = try Self.harness(imageWaitMs: 5000)
        try await harness.start()
        try FileFixtures.write(Array(#"{"provider": "fal", "stages": "core"}"#.utf8), to: "\(harness.inbox)/lux.json")
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 72), to: "\(harness.inbox)/lux.jpg")
        try await harness.waitUntil("lux queued") { try harness.count("SELECT count(*) FROM kits") == 1 }
        let good = Array(#"{"kit": "lux", "model": "fal-ai/flux/dev", "scenes": [{"id": "beach"}]}"#.utf8)
        let bad = Array(#"{"kit": "lux", "model": "flux", "scenes": [{"id": "city"}]}"#.utf8)
        try FileFixtures.write(good, to: "\(harness.inbox)/lux-beach.json")
        try FileFixtures.write(bad, to: "\(harness.inbox)/lux-city.json")
        try await harness.waitUntil("both follow-ups judged") { harness.inboxIsEmpty }
        try await harness.stop()
        try IntakeExpectations.rejected("lux-city.json", code: "order_model_unsupported", kind: .regular, bytes: bad, in: harness.rejected)
        #expect(try Self.detail("lux-city.json", in: harness).contains("owner/alias"))
        #expect(!FileFixtures.exists("\(harness.rejected)/lux-beach.json"), "the fal model suits the kit's fal provider")
        #expect(try harness.count("SELECT count(*) FROM stages WHERE stage = 'scene:beach'") == 1)
        #expect(try harness.count("SELECT count(*) FROM stages WHERE stage = 'scene:city'") == 0)
    }
}

/// What each provider kind can take as an order's `model`, decided from the configuration alone.
@Suite("Configuration: order providers and models")
struct OrderProviderDecisionTests {
    static let configuration: Configuration = {
        var c = try! ConfigurationLoader.parse(
            text: """
                [[watch]]
                name = "w"
                inbox = "/srv/in"
                outbox = "/srv/out"
                [providers.gem]
                kind = "gemini"
                [providers.fal]
                kind = "fal"
                [providers.rep]
                kind = "replicate"
                [providers.pinned]
                kind = "replicate"
                model = "acme/face"
                version = "abc123"
                [providers.comfy]
                kind = "comfyui"
                model = "sdxl-base"
                [providers.oai]
                kind = "openai"
                """, file: "/etc/refkit/refkit.toml", relativeTo: "/etc/refkit")
        c.file = "/etc/refkit/refkit.toml"
        return c
    }()

    @Test(
        "models each provider kind can or cannot take",
        arguments: [
            ("gem", "gemini-2.5-flash-image", true), ("gem", "models/gemini-3-pro-image", true), ("gem", "gemini/../x", false),
            ("fal", "fal-ai/flux/dev", true), ("fal", "flux", false), ("fal", "fal-ai/../x", false),
            ("rep", "black-forest-labs/flux-schnell", true), ("rep", "flux", false), ("rep", "a/b/c", false),
            ("pinned", "acme/face", true), ("pinned", "acme/other", false),
            ("comfy", "sdxl-base", true), ("comfy", "flux-dev", false),
            ("preview", "preview-1", true), ("preview", "gpt-image-1", false),
            ("oai", "gpt-image-1", true), ("oai", "dall-e-3", true),
        ])
    func models(provider: String, model: String, takes: Bool) throws {
        let problem = Self.configuration.providerProblem(for: Order(provider: provider, model: model), watch: "w")
        #expect((problem == nil) == takes, "\(provider) \(model): \(problem?.description ?? "taken")")
        if let problem { #expect(problem.code.rawValue == "order_model_unsupported") }
    }

    @Test("a provider that is not configured names the known ones; preview is always known")
    func unknownProvider() {
        let problem = Self.configuration.providerProblem(for: Order(provider: "gemini"), watch: "w")
        #expect(problem?.code.rawValue == "order_provider_unknown")
        #expect(problem?.detail.contains("comfy, fal, gem, oai, pinned, preview, rep") == true, "\(problem?.description ?? "")")
        #expect(Self.configuration.providerProblem(for: Order(provider: "preview"), watch: "w") == nil)
        #expect(Self.configuration.providerProblem(for: Order(), watch: "w") == nil, "the default order's provider")
    }

    @Test("fields an order leaves out come from its kit's orders, then the watch's default order")
    func kitOrderFillsIn() {
        let model = Order(model: "fal-ai/flux/dev")
        #expect(
            Self.configuration.providerProblem(for: model, watch: "w")?.code.rawValue == "order_model_unsupported", "preview takes no model"
        )
        #expect(Self.configuration.providerProblem(for: model, watch: "w", kit: Order(provider: "fal")) == nil)
    }
}
