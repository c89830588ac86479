import RefkitCore

extension Configuration {
    /// Why an order's `provider_inputs` (issue 17 item 4) cannot be used with the configured
    /// providers; nil when it can: every name must be a configured provider, of a kind that takes
    /// inputs, and no field may be one refkit writes itself for that provider.
    public func providerInputsProblem(_ inputs: JSONValue?) -> RefkitError? {
        Self.providerInputsProblem(inputs, providers: providers)
    }

    /// `providerInputsProblem` against `providers` (a watch's default order is checked while the
    /// configuration is still being read).
    static func providerInputsProblem(_ inputs: JSONValue?, providers: [String: Provider]) -> RefkitError? {
        guard case .object(let members)? = inputs else { return nil }
        for (name, value) in members {
            let path = "$.provider_inputs.\(name)"
            guard let provider = providers[name] else {
                return RefkitError(
                    .orderProviderUnknown, "the order's provider_inputs name a provider that is not configured",
                    detail: "\(path): known providers are \(providers.keys.sorted().joined(separator: ", "))")
            }
            let reserved = ProviderInputs.reservedFields(kind: provider.kind, settings: provider.extra)
            if let problem = ProviderInputs.problem(value, kind: provider.kind, reserved: reserved) {
                return RefkitError(.orderInvalidValue, "the order's provider_inputs cannot be sent", detail: "\(path) \(problem)")
            }
        }
        return nil
    }
}
