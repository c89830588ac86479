import RefkitConfig
import RefkitCore
import RefkitStore

extension Configuration {
    /// `providerProblem(for:watch:kit:)` for an order as intake and `refkit check` meet it: when
    /// the order names a kit that exists in the watch, the provider and model it leaves out are
    /// that kit's (a follow-up or control order acts on it), else the watch's `default_order`'s.
    public func providerProblem(for order: Order, watch: String, database: RefkitDatabase?) -> RefkitError? {
        let kit = order.kit.flatMap { name in try? database?.kit(named: name, watch: watch) }
        return providerProblem(for: order, watch: watch, kit: kit.flatMap { try? database?.kitOrder(kitID: $0.id) })
    }
}
