import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A system call failed: which call, on what, and the `errno` it left.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call and what it was for, e.g. `fsync` or `sendto NOTIFY_SOCKET`.
    public var operation: String
    /// The file the call was about, when there is one.
    public var path: String?
    /// `errno` after the call.
    public var errno: Errno

    /// A failure of `operation` (about `path`, when there is one) with `errno`.
    public init(_ operation: String, path: String? = nil, errno: Errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// The same with the errno as Glibc spells it (`ENOENT`).
    public init(_ operation: String, path: String? = nil, errno: Int32) {
        self.init(operation, path: path, errno: Errno(rawValue: errno))
    }

    /// The call and its file, e.g. `rename /var/lib/refkit/work/k1/source.jpg`.
    public var subject: String { path.map { "\(operation) \($0)" } ?? operation }

    /// `strerror(3)`'s text for the errno, e.g. `No space left on device`.
    public var reason: String { String(cString: strerror(errno.rawValue)) }

    public var description: String { "\(subject) failed: \(reason) (errno \(errno.rawValue))" }
}

/// Runs `call` until it does not fail with `EINTR`, and throws any other failure (a result of
/// -1) with the `errno` it left. Every system call in refkit goes through here, so a signal
/// arriving during a blocking call never surfaces as an error.
@discardableResult
public func systemCall<Result: FixedWidthInteger>(
    _ operation: @autoclosure () -> String,
    path: @autoclosure () -> String? = nil,
    _ call: () -> Result
) throws(SystemCallError) -> Result {
    while true {
        let result = call()
        if result != -1 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw SystemCallError(operation(), path: path(), errno: code)
    }
}
