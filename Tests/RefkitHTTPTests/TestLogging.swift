import Logging

func quietLogger() -> Logger {
    var logger = Logger(label: "test.http") { _ in SwiftLogNoOpLogHandler() }
    logger.logLevel = .critical
    return logger
}
