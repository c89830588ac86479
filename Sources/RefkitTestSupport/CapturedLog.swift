import Logging
import Synchronization

/// Collects every log line a logger emits, at trace level, so a test can search them (for a
/// message, a metadata value, or a secret that must not be there). A line reads
/// `LEVEL MESSAGE key=value key=value`, metadata sorted by key.
public final class CapturedLog: Sendable {
    public init() {}

    public let lines = Mutex<[String]>([])

    /// A logger feeding this capture.
    public var logger: Logger { logger("refkit.test.capture") }

    /// A logger feeding this capture, under `label`.
    public func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { [self] _ in CapturingHandler(log: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Every line so far.
    public var all: [String] { lines.withLock { $0 } }

    public var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

struct CapturingHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        log.lines.withLock { $0.append("\(event.level) \(event.message) \(rendered)") }
    }
}
