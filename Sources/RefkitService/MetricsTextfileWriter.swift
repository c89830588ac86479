import Logging
import RefkitSystem

/// Writes the metrics to a file for node_exporter's textfile collector
/// (`--collector.textfile.directory`), which reads `*.prom` files.
///
/// Each write is atomic (`DurableFile`): a hidden temp file in the same folder (which the
/// collector ignores, its name not ending in `.prom`), written in full, fsynced, made
/// world-readable, renamed over `path`, and the folder fsynced. A scrape sees the old file or
/// the new one, never half of one.
public struct MetricsTextfileWriter: Sendable {
    /// The file written, e.g. `/var/lib/prometheus/node-exporter/refkit.prom`.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Replaces the file with `text`, world-readable whatever the umask (the collector runs as
    /// another user).
    public func write(_ text: String) throws(SystemCallError) {
        try DurableFile.replace(at: path, with: Array(text.utf8), mode: 0o644, exactMode: true)
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
}
