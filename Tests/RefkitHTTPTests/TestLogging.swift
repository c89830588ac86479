import Logging
import Synchronization

/// A LogHandler that keeps every line (message and metadata) for assertions.
struct CapturingLogHandler: LogHandler {
    final class Store: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        store.lines.withLock { $0.append("\(event.level) \(event.message) \(rendered)") }
    }
}

func capturingLogger() -> (Logger, CapturingLogHandler.Store) {
    let store = CapturingLogHandler.Store()
    var logger = Logger(label: "test.http") { _ in CapturingLogHandler(store: store) }
    logger.logLevel = .trace
    return (logger, store)
}

func quietLogger() -> Logger {
    var logger = Logger(label: "test.http") { _ in SwiftLogNoOpLogHandler() }
    logger.logLevel = .critical
    return logger
}
