import CMagic
import RefkitCore
import Synchronization

/// Owns one libmagic handle. `magic_t` is not thread-safe: a detector is used by one thread at
/// a time, which `MagicDetector.Pool` guarantees by lending each one out to a single caller.
public final class MagicDetector {
    private let cookie: magic_t

    /// Opens libmagic and loads its database (`magic_unavailable` when either fails).
    public init() throws(RefkitError) {
        guard let cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_TAR) else {
            throw RefkitError(.magicUnavailable, "cannot open libmagic")
        }
        guard magic_load(cookie, nil) == 0 else {
            let detail = magic_error(cookie).map { String(cString: $0) } ?? ""
            magic_close(cookie)
            throw RefkitError(.magicUnavailable, "cannot load the libmagic database", detail: detail)
        }
        self.cookie = cookie
    }

    deinit { magic_close(cookie) }

    /// The MIME type of the bytes (`image/jpeg`, `text/plain`, …), from their content only.
    public func mimeType(of bytes: [UInt8]) -> String {
        let result = bytes.withUnsafeBytes { magic_buffer(cookie, $0.baseAddress, $0.count) }
        return result.map { String(cString: $0) } ?? "application/octet-stream"
    }
}

extension MagicDetector {
    /// Detectors kept for reuse: loading the magic database costs milliseconds and memory, so
    /// it is done once per concurrent caller, not once per image. A detector is lent to one
    /// caller at a time and given back afterwards; at most as many exist as ever ran at once.
    final class Pool: Sendable {
        /// An idle detector. Unchecked: a detector is only used while lent to one caller.
        private struct Idle: @unchecked Sendable {
            let detector: MagicDetector
        }

        private let idle = Mutex<[Idle]>([])

        static let shared = Pool()

        /// Makes sure one detector can be had (the database loads), so an owner fails at start.
        func prepare() throws(RefkitError) {
            let detector = try take()
            give(detector)
        }

        func withDetector<T>(_ body: (MagicDetector) -> T) throws(RefkitError) -> T {
            let detector = try take()
            defer { give(detector) }
            return body(detector)
        }

        private func take() throws(RefkitError) -> MagicDetector {
            if let spare = idle.withLock({ $0.popLast() }) { return spare.detector }
            return try MagicDetector()
        }

        private func give(_ detector: MagicDetector) {
            let spare = Idle(detector: detector)
            idle.withLock { $0.append(spare) }
        }
    }
}
