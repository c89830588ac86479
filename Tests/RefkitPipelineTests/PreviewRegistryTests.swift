import Logging
import RefkitConfig
import RefkitProviders
import Testing

@testable import RefkitPipeline

/// The registry builds the preview provider from its `[providers.NAME]` table like any other.
@Suite("Preview provider in the registry")
struct PreviewRegistryTests {
    @Test("price_per_image_usd and delay_ms reach the preview provider")
    func priceAndDelay() throws {
        let configuration = try ConfigurationLoader.parse(
            text: """
                state_dir = "state"
                [[watch]]
                name = "w"
                inbox = "inbox"
                outbox = "outbox"
                [providers.preview]
                price_per_image_usd = 0.03
                delay_ms = 5
                [providers.free]
                kind = "preview"
                """, file: "/nonexistent/refkit.toml", relativeTo: "/nonexistent")
        let registry = ProviderRegistry(configuration: configuration, logger: Logger(label: "test"), environment: [:])
        let priced = try #require(registry.entry("preview")?.provider as? PreviewProvider)
        #expect(priced.pricePerImageUSD == 0.03 && priced.delay == .milliseconds(5))
        let free = try #require(registry.entry("free")?.provider as? PreviewProvider)
        #expect(free.pricePerImageUSD == 0 && free.delay == .zero)
    }
}
