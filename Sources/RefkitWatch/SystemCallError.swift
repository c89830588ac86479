import Glibc

/// A failed system call: which call, on what, and the errno it returned.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable code users see in logs and error files.
    public var code: String { "watch.syscall" }
    /// The call that failed, e.g. `inotify_add_watch`.
    public var call: String
    /// The errno value.
    public var errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String {
        "\(call): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// Runs `body` until it stops failing with `EINTR`; any other `-1` result throws
/// `SystemCallError` with the errno it left.
@discardableResult
func systemCall<Result: FixedWidthInteger>(
    _ call: String,
    _ body: () -> Result
) throws(SystemCallError) -> Result {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw SystemCallError(call: call, errno: code)
    }
}
