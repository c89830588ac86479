import RefkitCore

extension RefkitDatabase {
    /// The kit's recorded orders folded together (`Order.folded`); orders that no longer
    /// validate are left out.
    public func kitOrder(kitID: String) throws -> Order {
        Order.folded(try orders(kitID: kitID).compactMap { try? OrderValidator.validate(bytes: Array($0.json.utf8)) })
    }
}
