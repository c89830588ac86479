#if canImport(Glibc)
import Glibc
#endif

/// A system call failed: which one, and the `errno` it left.
public struct SystemCallError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The call and what it was for, e.g. `sendto NOTIFY_SOCKET`.
    public var operation: String
    /// `errno` after the call.
    public var errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String { "\(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// Runs `call` until it does not fail with `EINTR`; throws the `errno` of any other failure
/// (a result of -1). Every syscall in this module goes through here.
@discardableResult
func systemCall<Result: BinaryInteger>(_ operation: @autoclosure () -> String, _ call: () -> Result) throws(SystemCallError) -> Result {
    while true {
        let result = call()
        if result != -1 { return result }
        let error = Glibc.errno
        if error == EINTR { continue }
        throw SystemCallError(operation(), errno: error)
    }
}
