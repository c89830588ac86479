import RefkitConfig
import RefkitCore

extension StageRequest {
    /// The fixed inputs a stage's request carries to the provider named `provider` (issue 17
    /// item 4): the provider's `[providers.NAME] inputs` with the order's `provider_inputs.NAME`
    /// over them. Decided per call, so a fallback provider gets its own, not the first one's.
    static func providerInputs(order: Order, provider: String, config: Configuration.Provider) -> JSONValue? {
        ProviderInputs.merged(config: config.inputs, order: order.providerInputs?[provider], kind: config.kind)
    }
}
