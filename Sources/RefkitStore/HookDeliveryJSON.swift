import RefkitCore

/// The stable JSON shapes of hook deliveries: `refkit hooks --json` prints them and the web API
/// (`GET /api/v1/hooks/deliveries`) answers with them, one shape for both doors. A delivery's
/// body is never in them (the views do not carry it).
public enum HookDeliveryJSON {
    /// One delivery.
    public static func delivery(_ d: HookDeliveryView) -> JSONValue {
        .object([
            ("id", .integer(Int(d.id))), ("delivery", .string(d.deliveryID)), ("hook", .string(d.hook)),
            ("action", .string(d.action.rawValue)), ("event", .string(d.event)), ("kit_id", .string(d.kitID)),
            ("kit", .optional(d.kitName)), ("status", .string(d.status.rawValue)), ("attempts", .integer(d.attempts)),
            ("next_at", .optional(d.nextAt)), ("last_error", .optional(d.lastError)), ("created_at", .string(d.createdAt)),
            ("updated_at", .string(d.updatedAt)),
        ])
    }

    /// One hook's counts.
    public static func counts(_ c: HookDeliveryCounts) -> JSONValue {
        .object([
            ("hook", .string(c.hook)), ("pending", .integer(c.pending)), ("delivered", .integer(c.delivered)),
            ("failed", .integer(c.failed)), ("oldest_pending", .optional(c.oldestPending)),
        ])
    }

    /// The listing: `{"hooks": [counts...], "deliveries": [delivery...]}`, newest delivery first.
    public static func listing(counts: [HookDeliveryCounts], deliveries: [HookDeliveryView]) -> JSONValue {
        .object([("hooks", .array(counts.map(Self.counts))), ("deliveries", .array(deliveries.map(Self.delivery)))])
    }
}
