import RefkitCore

// Issue 17, item 2: an `images` entry's own provider and model are checked on arrival like the
// order's, so an entry naming a provider that is not configured is refused, not queued to fail.
extension Configuration {
    /// Why an entry of `order.images` cannot be made (`order_provider_unknown`,
    /// `order_model_unsupported`, naming `$.images[i]`); nil when every entry can. An entry
    /// without a provider is made by `kitProvider`, so only its model is checked against that one.
    func imageProviderProblem(for order: Order, kitProvider: String) -> RefkitError? {
        for (i, image) in order.images.enumerated() where image.provider != nil || image.model != nil {
            let name = image.provider ?? kitProvider
            guard let provider = providers[name] else {
                return RefkitError(
                    .orderProviderUnknown, "the order names a provider that is not configured",
                    detail:
                        "$.images[\(i)].provider \"\(name)\": known providers are \(knownProviders) (add [providers.\(name)] to \(file))")
            }
            if let model = image.model, let why = provider.modelProblem(model) {
                return RefkitError(
                    .orderModelUnsupported, "the image's model cannot be made by its provider",
                    detail: "$.images[\(i)].model \"\(model)\": \(why)")
            }
        }
        return nil
    }
}
