extension Order.Character {
    /// The character with what the analyzer found added: attributes given in the order win over
    /// analyzed ones (which follow them, in the analyzer's order), and so does a given description.
    public func merging(analyzed: JSONValue) -> Order.Character {
        var merged = self
        if case .object(let attributes)? = analyzed["attributes"] {
            for (key, value) in attributes {
                guard case .string(let text) = value, !merged.attributes.contains(where: { $0.key == key }) else { continue }
                merged.attributes.append((key, text))
            }
        }
        if merged.description == nil, case .string(let d)? = analyzed["description"] { merged.description = d }
        return merged
    }
}
