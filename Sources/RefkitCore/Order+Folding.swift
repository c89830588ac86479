extension Order {
    /// A kit's orders folded together, oldest first: later orders win field by field; scenes add
    /// up (a scene id given again takes the later description). What the kit is made from.
    public static func folded(_ orders: [Order]) -> Order {
        var merged = Order()
        var scenes: [Order.Scene] = []
        for order in orders {
            merged = order.overlaying(merged)
            for scene in order.scenes {
                scenes.removeAll { $0.id == scene.id }
                scenes.append(scene)
            }
        }
        merged.scenes = scenes
        merged.images = foldedImages(orders)
        return merged
    }
}
