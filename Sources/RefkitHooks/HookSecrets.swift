import Foundation
import RefkitConfig

/// The hooks' signing keys, read once at start from each `secret_file`. Held in memory only:
/// never logged, never stored, never in an error (errors name the file, not its bytes).
public struct HookSecrets: Sendable {
    private let keys: [String: [UInt8]]

    /// Reads the secret of every hook with a URL; the first unreadable or empty file is an error.
    public init(hooks: [Configuration.Hook]) throws(HookSetupError) {
        var keys: [String: [UInt8]] = [:]
        for hook in hooks where hook.url != nil {
            guard let file = hook.secretFile else {
                throw HookSetupError(hook: hook.name, file: nil, reason: "a url hook needs secret_file")
            }
            keys[hook.name] = try Self.read(file, hook: hook.name)
        }
        self.keys = keys
    }

    /// Secrets given directly (tests, and callers that hold them already).
    public init(keys: [String: [UInt8]]) { self.keys = keys }

    /// The key of `hook`; nil for a hook without a URL.
    public func key(of hook: String) -> [UInt8]? { keys[hook] }

    /// The file's bytes without one trailing newline (`echo KEY > file` writes one; the receiver's
    /// copy of the key does not have it).
    static func read(_ file: String, hook: String) throws(HookSetupError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw HookSetupError(hook: hook, file: file, reason: "cannot read it (\(String(cString: strerror(errno))))")
        }
        var bytes = [UInt8](data)
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard !bytes.isEmpty else { throw HookSetupError(hook: hook, file: file, reason: "it is empty: a signing key is needed") }
        return bytes
    }
}

/// A hook that cannot be set up at start (its secret file), naming the hook, the file and why.
public struct HookSetupError: Error, Sendable, CustomStringConvertible {
    public var hook: String
    public var file: String?
    public var reason: String
    public var description: String { "hook \"\(hook)\"" + (file.map { ": secret_file \($0)" } ?? "") + ": \(reason)" }
}
