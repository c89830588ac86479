import Foundation
import Logging
import Synchronization

/// Logs one event per line to stderr. Under systemd (no terminal) each line starts with the
/// syslog priority (`<6>`) so journald files it at the right level, and fields follow as
/// `key=value`; on a terminal the time and level are written instead.
struct StderrLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    let label: String
    static let isTerminal = isatty(STDERR_FILENO) != 0
    static let lock = Mutex(())

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        var text = Self.isTerminal ? "\(Self.clock()) \(level.rawValue.uppercased()) \(message)" : "<\(Self.priority(level))>\(message)"
        for key in fields.keys.sorted() {
            text += " \(key)=\(Self.quote("\(fields[key]!)"))"
        }
        text += "\n"
        Self.lock.withLock { _ in
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func quote(_ value: String) -> String {
        let needs = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
        guard needs else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }

    static func clock() -> String {
        let s = Date().formatted(.iso8601.time(includingFractionalSeconds: true))
        return s
    }
}

enum LoggingBootstrap {
    static let done = Mutex(false)

    static func bootstrapOnce() {
        done.withLock { done in
            guard !done else { return }
            LoggingSystem.bootstrap { StderrLogHandler(label: $0) }
            done = true
        }
    }
}
