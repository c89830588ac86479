import CVips
import Glibc
import Synchronization

/// libvips' process-wide error text.
///
/// Every read (`take`) and every clear holds `naming`, and a strict decode that has failed
/// holds it across a second decode and the read of its text (`ImageOps.verifyDecode`): no
/// other thread can take or wipe that text in between. (Failures elsewhere may still append
/// their words; they never remove ours.)
enum VipsErrorBuffer {
    private static let naming = Mutex(())

    /// Runs `body` holding the lock; `take` and `clear` inside it do not lock again.
    static func exclusively<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        if holding { return try body() }
        let result: Result<T, E> = naming.withLock { _ in
            holding = true
            defer { holding = false }
            do throws(E) { return .success(try body()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Empties the buffer after a failure that is tolerated (a broken ICC profile, a missing field).
    static func clear() {
        exclusively { vips_error_clear() }
    }

    /// Copies and clears the buffer in one step.
    static func take() -> String {
        exclusively {
            guard let copy = vips_error_buffer_copy() else { return "" }
            defer { g_free(copy) }
            return String(cString: copy).trimmingSuffixWhitespace()
        }
    }

    /// Whether this thread holds `naming` (a pthread key: the work is synchronous on one thread).
    nonisolated(unsafe) private static let holdingKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    private static var holding: Bool {
        get { pthread_getspecific(holdingKey) != nil }
        set { pthread_setspecific(holdingKey, newValue ? UnsafeRawPointer(bitPattern: 1) : nil) }
    }
}

extension String {
    func trimmingSuffixWhitespace() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
