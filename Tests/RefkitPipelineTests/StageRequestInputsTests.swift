import RefkitConfig
import RefkitCore
import Testing

@testable import RefkitPipeline

/// Which inputs a stage's call carries, decided per provider (issue 17 item 4).
@Suite("StageRequest: provider inputs")
struct StageRequestInputsTests {
    static func provider(_ name: String, kind: String, inputs: String?) throws -> Configuration.Provider {
        var provider = Configuration.Provider(name: name, kind: kind)
        provider.inputs = try inputs.map { try JSONValue.parse(Array($0.utf8)) }
        return provider
    }

    @Test func eachProviderGetsItsOwnInputsWithTheOrdersOverTheConfigurations() throws {
        var order = Order(provider: "fal")
        order.fallbackProvider = "replicate"
        order.providerInputs = try JSONValue.parse(Array(#"{"fal": {"guidance_scale": 5}, "replicate": {"lora_scale": 0.6}}"#.utf8))
        let fal = try Self.provider("fal", kind: "fal", inputs: #"{"guidance_scale": 3.5, "num_inference_steps": 28}"#)
        let replicate = try Self.provider("replicate", kind: "replicate", inputs: nil)
        #expect(
            StageRequest.providerInputs(order: order, provider: "fal", config: fal)
                == (try JSONValue.parse(Array(#"{"guidance_scale": 5, "num_inference_steps": 28}"#.utf8))))
        // The fallback gets its own, not the first provider's.
        #expect(
            StageRequest.providerInputs(order: order, provider: "replicate", config: replicate)
                == (try JSONValue.parse(Array(#"{"lora_scale": 0.6}"#.utf8))))
        // A provider that takes none gets none, and so does one nothing names.
        #expect(
            StageRequest.providerInputs(
                order: order, provider: "preview", config: try Self.provider("preview", kind: "preview", inputs: nil)) == nil)
        #expect(StageRequest.providerInputs(order: Order(), provider: "replicate", config: replicate) == nil)
    }
}
