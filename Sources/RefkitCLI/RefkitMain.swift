import ArgumentParser
import Foundation
import Logging
import RefkitSystem

/// Entry point used by the `refkit` executable: parses, runs, and maps failures to exit codes.
public enum RefkitMain {
    public static func main() async -> Never {
        // Until a command makes its logger (some never do, like `check`): $REFKIT_LOG_LEVEL or info.
        LoggingBootstrap.bootstrapOnce()
        MallocArenas.cap()
        var early = Logger(label: "refkit")
        early.logLevel = ProcessInfo.processInfo.environment["REFKIT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        routeLibraryMessages(to: early)
        do {
            var command = try RefkitCommand.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("refkit: \(error.message)\n".utf8))
            exit(error.code)
        } catch {
            RefkitCommand.exit(withError: error)
        }
    }
}
