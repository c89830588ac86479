import CRefkitLinux
import Glibc

/// glibc's allocator gives every thread that allocates concurrently its own arena (up to 8 per
/// core) and keeps freed memory in each: a daemon whose stage threads decode images and run face
/// analysis side by side grows its resident memory by tens of MiB that are free but never
/// returned. Two arenas measured 60 MiB less peak RSS on a 20-kit batch with QA on, at the same
/// wall time (BENCHMARKS.md, "QA: the nightly batch").
public enum MallocArenas {
    /// Caps the arenas at `count`, unless `MALLOC_ARENA_MAX` is set (the operator's choice wins;
    /// glibc has already read it).
    public static func cap(_ count: Int32 = 2) {
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        _ = refkit_cap_malloc_arenas(count)
    }
}
