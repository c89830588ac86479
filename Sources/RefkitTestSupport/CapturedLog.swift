import Logging
import Synchronization

/// Collects every log line (at trace level) so a test can search them for secrets.
public final class CapturedLog: Sendable {
    public init() {}

    public let lines = Mutex<[String]>([])

    public var logger: Logger {
        var logger = Logger(label: "refkit.test.capture") { [self] _ in CapturingHandler(log: self) }
        logger.logLevel = .trace
        return logger
    }

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
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        log.lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
    }
}
