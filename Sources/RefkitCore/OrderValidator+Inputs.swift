extension OrderValidator {
    /// `provider_inputs` (issue 17 item 4): an object keyed by configured provider name, each
    /// value that provider's fixed inputs. Keyed by provider because a kit's stages may run on a
    /// fallback provider whose app takes other fields. What can be checked without the
    /// configuration is checked here (shape, size); the provider's kind and the fields refkit
    /// writes itself are checked at intake (`Configuration.providerProblem`).
    static func providerInputs(_ value: JSONValue) throws(RefkitError) -> JSONValue {
        guard case .object(let members) = value else { throw wrongType("$.provider_inputs", "object keyed by provider name", value) }
        for (name, inputs) in members {
            let path = "$.provider_inputs.\(name)"
            guard SafeName.isSafeIdentifier(name) else {
                throw RefkitError(.orderInvalidValue, "provider name is not valid", detail: "\(path): use 1-64 of A-Z a-z 0-9 _ -")
            }
            guard case .object = inputs else { throw wrongType(path, "object of the provider's input fields", inputs) }
            guard ProviderInputs.depth(inputs) <= ProviderInputs.maxDepth else {
                throw RefkitError(
                    .orderInvalidValue, "provider inputs nest too deeply",
                    detail: "\(path) nests deeper than \(ProviderInputs.maxDepth) levels")
            }
            let size = inputs.serialized.utf8.count
            guard size <= ProviderInputs.maxBytes else {
                throw RefkitError(
                    .orderInvalidValue, "provider inputs are too large",
                    detail: "\(path) is \(size) bytes of JSON, allowed \(ProviderInputs.maxBytes)")
            }
        }
        return value
    }
}
