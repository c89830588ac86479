import GRDB
import RefkitCore

extension RefkitDatabase {
    /// The kit's recorded orders folded together (`Order.folded`); orders that no longer
    /// validate are left out.
    public func kitOrder(kitID: String) throws -> Order {
        try pool.read { db in try Self.kitOrder(db, kitID: kitID) }
    }

    static func kitOrder(_ db: Database, kitID: String) throws -> Order {
        let orders = try String.fetchAll(db, sql: "SELECT json FROM orders WHERE kit_id = ? ORDER BY id", arguments: [kitID])
        return Order.folded(orders.compactMap { try? OrderValidator.validate(bytes: Array($0.utf8)) })
    }
}
