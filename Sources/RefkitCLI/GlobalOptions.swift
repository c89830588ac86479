import ArgumentParser
import Foundation
import Logging
import RefkitConfig
import RefkitImaging

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("The configuration file (TOML).", valueName: "file"))
    var config: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Log level: trace, debug, info, notice, warning, error, critical (default: from the config, or $REFKIT_LOG_LEVEL).",
            valueName: "level"))
    var logLevel: String?

    /// Loads the configuration the way the discussion of `refkit --help` describes.
    func loadConfiguration() throws -> Configuration {
        let env = ProcessInfo.processInfo.environment
        let path =
            config ?? env["REFKIT_CONFIG"]
            ?? (FileManager.default.fileExists(atPath: "/etc/refkit/refkit.toml") ? "/etc/refkit/refkit.toml" : nil)
        do {
            if let path {
                return try ConfigurationLoader.load(path: path)
            }
            return try ConfigurationLoader.parse(
                text: ConfigurationLoader.embeddedDefault, file: "(built-in default)", relativeTo: FileManager.default.currentDirectoryPath)
        } catch {
            throw CLIError(code: 78, message: "configuration error: \(error)")
        }
    }

    func makeLogger(_ configuration: Configuration?, label: String = "refkit") -> Logger {
        let env = ProcessInfo.processInfo.environment
        let name = logLevel ?? env["REFKIT_LOG_LEVEL"] ?? configuration?.logLevel ?? "info"
        let level = Logger.Level(rawValue: name) ?? .info
        LoggingBootstrap.bootstrapOnce()
        var logger = Logger(label: label)
        logger.logLevel = level
        routeLibraryMessages(to: logger)
        return logger
    }
}

/// A failure with a sysexits-style exit code and a message for stderr.
struct CLIError: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    var description: String { message }
}

extension CLIError {
    static func fail(_ error: any Error) -> CLIError {
        CLIError(code: 1, message: "\(error)")
    }
}

/// libvips' own warnings go through the logger at debug, in its format, not raw to stderr.
func routeLibraryMessages(to logger: Logger) {
    Imaging.routeLibraryMessages { message in logger.debug("libvips warning", metadata: ["message": "\(message)"]) }
}
