import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Writes the metrics to a file for node_exporter's textfile collector
/// (`--collector.textfile.directory`), which reads `*.prom` files.
///
/// Each write is atomic: a hidden temp file in the same folder (`.NAME.XXXXXX`, which the
/// collector ignores), written in full, fsynced, made world-readable (the collector runs as
/// another user), renamed over `path`, and the folder fsynced. A scrape sees the old file or
/// the new one, never half of one.
public struct MetricsTextfileWriter: Sendable {
    /// The file written, e.g. `/var/lib/prometheus/node-exporter/refkit.prom`.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Replaces the file with `text`.
    public func write(_ text: String) throws(SystemCallError) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(folder)/.\(base).XXXXXX".utf8CString)
        let fd = try template.withUnsafeMutableBufferPointer { buffer throws(SystemCallError) in
            try systemCall("mkstemp \(folder)/.\(base).XXXXXX") { mkstemp(buffer.baseAddress!) }
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            try writeAll(fd, Array(text.utf8), to: temporary)
            try systemCall("fchmod \(temporary)") { fchmod(fd, 0o644) }
            try systemCall("fsync \(temporary)") { fsync(fd) }
        }
        try systemCall("rename \(temporary) to \(path)") { rename(temporary, path) }
        renamed = true
        // The rename itself is durable only once the folder is synced.
        let folderFd = try systemCall("open \(folder)") { open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(folderFd) }
        try systemCall("fsync \(folder)") { fsync(folderFd) }
    }

    /// Replaces the file with `registry`'s current text.
    public func write(_ registry: MetricsRegistry) throws(SystemCallError) {
        try write(registry.render())
    }

    /// Writes `registry` now and then every `interval` until the task is cancelled, and once
    /// more at cancellation so the file holds the final values. Failures are logged when they
    /// start and when they stop, not at every write.
    public func run(registry: MetricsRegistry, every interval: Duration, logger: Logger = Logger(label: "refkit.service")) async {
        var failing = false
        func writeLogged() {
            do {
                try write(registry)
                if failing { logger.notice("metrics textfile written again", metadata: ["path": "\(path)"]) }
                failing = false
            } catch {
                if !failing { logger.error("cannot write the metrics textfile", metadata: ["path": "\(path)", "error": "\(error)"]) }
                failing = true
            }
        }
        while !Task.isCancelled {
            writeLogged()
            do { try await Task.sleep(for: interval) } catch { break }
        }
        writeLogged()
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8], to name: String) throws(SystemCallError) {
        let failure: SystemCallError? = bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                do throws(SystemCallError) {
                    offset += try systemCall("write \(name)") { Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset) }
                } catch {
                    return error
                }
            }
            return nil
        }
        if let failure { throw failure }
    }
}
