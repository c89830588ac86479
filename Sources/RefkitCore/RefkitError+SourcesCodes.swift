// Issue 17 item 1's codes (several sources for one character), kept apart so the codes of the
// items built beside it merge without conflicts. Raw strings are wire format: never change one.
extension RefkitError.Code {
    /// An order's `sources` names an image that did not arrive within `image_wait_ms`.
    public static let orderSourceMissing = Self("order_source_missing")
    /// One of an order's `sources` was rejected, so the order is rejected with it.
    public static let orderSourceRejected = Self("order_source_rejected")
    /// The image is one of several sources of one character, and another of them (or their
    /// order) was rejected: the character is refused whole, nothing taken in half.
    public static let sourceSiblingRejected = Self("source_sibling_rejected")
    /// A `NAME.kit/` folder holds more images than one character is made from (16).
    public static let sourceTooMany = Self("source_too_many")
}
