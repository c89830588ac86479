/// An error a user can act on: a stable `code` (the string written to `error.json`, the
/// manifest and the logs), a one-line `message`, and a `detail` with the underlying cause.
public struct RefkitError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var detail: String

    public init(_ code: String, _ message: String, detail: String = "") {
        self.code = code
        self.message = message
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "\(code): \(message)" : "\(code): \(message) (\(detail))"
    }
}
