import RefkitDigest

/// The headers of a delivery POST. The signature is HMAC-SHA256 under the hook's secret over
/// `TIMESTAMP.BODY` (the timestamp as sent in `X-Refkit-Timestamp`, a dot, the body's bytes), so
/// a receiver can check that refkit sent the body and refuse an old one replayed.
public enum HookSignature {
    /// `sha256=` and the lowercase hex MAC.
    public static func signature(secret: [UInt8], timestamp: Int64, body: [UInt8]) -> String {
        "sha256=" + HMACSHA256.hex(key: secret, message: Array("\(timestamp).".utf8) + body)
    }

    /// Every header a delivery carries: the body's type, refkit's name, the event, the delivery id
    /// (the same on every attempt: receivers dedupe on it), the timestamp (seconds since the
    /// epoch) and the signature.
    public static func headers(
        secret: [UInt8], body: [UInt8], timestamp: Int64, delivery: String, event: String
    ) -> [(name: String, value: String)] {
        [
            ("Content-Type", "application/json"), ("User-Agent", "refkit-hooks/1"), ("X-Refkit-Event", event),
            ("X-Refkit-Delivery", delivery), ("X-Refkit-Timestamp", String(timestamp)),
            ("X-Refkit-Signature", signature(secret: secret, timestamp: timestamp, body: body)),
        ]
    }
}
