/// An error a user can act on: a stable `code` (the string written to `error.json`, the
/// manifest and the logs), a one-line `message`, and a `detail` with the underlying cause.
public struct RefkitError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Code
    public var message: String
    public var detail: String

    public init(_ code: Code, _ message: String, detail: String = "") {
        self.code = code
        self.message = message
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "\(code): \(message)" : "\(code): \(message) (\(detail))"
    }

    /// A stable error code. Its raw string is the wire format (error.json, manifests, the
    /// database, logs) and never changes; in code it is a static member
    /// (`RefkitError.Code.diskFull`), so a misspelt code does not compile. Codes that come from
    /// elsewhere (a provider's, read back from the store) are made with `init(rawValue:)`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        /// The family a code belongs to: `provider` for `provider_timeout`, `database` for `database_lost`.
        public var family: Substring { rawValue.prefix { $0 != "_" } }
    }
}
