import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder under the system temp folder, removed with everything in it (FIFOs, sockets
/// and symlinks included, never followed) when the last reference goes away.
public final class TemporaryDirectory: Sendable {
    /// Absolute path of the folder.
    public let path: String

    /// Creates `/tmp/refkit-<label>-XXXXXX`.
    public init(_ label: String = "test") throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/refkit-\(label)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw FixtureError("cannot create a temporary folder under \(base): \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/relative`.
    public func url(_ relative: String) -> String { "\(path)/\(relative)" }

    /// Creates (with parents) and returns `path/relative`.
    @discardableResult
    public func folder(_ relative: String) throws -> String {
        let full = url(relative)
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        return full
    }
}

/// A fixture could not be made.
public struct FixtureError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
