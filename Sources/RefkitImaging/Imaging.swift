import CVips

/// Process-wide libvips lifecycle.
public enum Imaging {
    /// Initialise libvips once per process and bound its operation cache; idempotent and thread-safe.
    public static func initialise() {
        _ = state
    }

    /// libvips version, e.g. "8.14.1"; initialises first.
    public static var libraryVersion: String {
        initialise()
        return String(cString: rk_vips_version_string())
    }

    /// Frees libvips' per-thread buffers; call on a dedicated thread that used vips before it exits.
    public static func threadShutdown() {
        vips_thread_shutdown()
    }

    /// Throws if initialisation failed; every operation calls this first.
    static func ready() throws(ImagingError) {
        if case .failure(let error) = state { throw error }
    }

    // A Swift global `let` is initialised exactly once, under swift_once, so this
    // gives thread-safe idempotence without a lock of our own.
    private static let state: Result<Void, ImagingError> = {
        guard rk_vips_init() == 0 else {
            return .failure(.fromVips(code: ImagingError.unavailableCode, message: "libvips failed to initialise"))
        }
        // No operation cache: we never reuse a result, and a cached loader would keep a
        // copy of one user's image alive after the request that brought it.
        vips_cache_set_max(0)
        vips_cache_set_max_mem(0)
        vips_cache_set_max_files(0)
        return .success(())
    }()
}
