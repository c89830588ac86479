// The codes of re-sending hook deliveries (`refkit hooks resend`, the web UI's Hooks page), kept
// apart so the codes of the features built beside it merge without conflicts. Raw strings are
// wire format: never change one.
extension RefkitError.Code {
    /// No hook delivery has the id given.
    public static let hookDeliveryUnknown = Self("hook_delivery_unknown")
    /// Only a given-up (`failed`) delivery can be sent again: a pending one is sent when due, a
    /// delivered one was taken by its receiver.
    public static let hookDeliveryNotFailed = Self("hook_delivery_not_failed")
}
