import ArgumentParser
import Foundation
import RefkitCivitai
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitHTTP
import RefkitPipeline
import RefkitStore
import RefkitSystem

#if canImport(Glibc)
import Glibc
#endif

extension RefkitCommand {
    struct Civitai: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch curated images from Civitai into an inbox, each with its sidecar order.",
            discussion: """
                Lists GET /api/v1/images (withMeta=true) page by page, skips images seen on an earlier run (by id and \
                sha256, kept in the state database), rated above max_rating, smaller than min_width x min_height or not \
                images, downloads the rest (size cap, libmagic and a full decode on the bytes) and writes each into DIR \
                as civitai-ID.EXT with civitai-ID.json (kit civitai-ID, stages turnaround, provenance in "source"), the \
                order first, both by a hidden temp name and a rename. Stops when --limit new images are written. \
                Defaults come from [civitai] in the configuration; the token from api_key_env, api_key_file or the \
                systemd credential "civitai". Exit status: 0 when the listing worked (single images may have failed), \
                75 when Civitai was unavailable or rate limiting after every retry, 1 on other failures.
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: ArgumentHelp("The inbox to write into (a watch's inbox).", valueName: "dir"))
        var into: String

        @Option(help: ArgumentHelp("New images to write (default: [civitai] limit).", valueName: "n"))
        var limit: Int?

        @Option(help: ArgumentHelp("Day, Week, Month, Year or AllTime (default: [civitai] period).", valueName: "period"))
        var period: String?

        @Option(help: ArgumentHelp("Most Reactions, Most Comments, Most Collected, Newest, Oldest or Random.", valueName: "sort"))
        var sort: String?

        @Option(help: ArgumentHelp("The API's nsfw filter: None, Soft, Mature or X (default: [civitai] nsfw).", valueName: "level"))
        var nsfw: String?

        @Option(
            help: ArgumentHelp("The highest rating written: None, Soft, Mature or X (default: [civitai] max_rating).", valueName: "rating"))
        var maxRating: String?

        @Option(help: ArgumentHelp("Only images made with this model id.", valueName: "id"))
        var modelId: Int64?

        @Option(help: ArgumentHelp("Only images of this Civitai user.", valueName: "name"))
        var username: String?

        @Option(help: ArgumentHelp("Only images with this tag id.", valueName: "id"))
        var tags: String?

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func validate() throws {
            if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be between 1 and 1000") }
            for (name, value, allowed) in [
                ("--period", period, Configuration.Civitai.periods), ("--sort", sort, Configuration.Civitai.sorts),
                ("--nsfw", nsfw, Configuration.Civitai.nsfwValues), ("--max-rating", maxRating, Configuration.Civitai.ratings),
            ] {
                if let value, !allowed.contains(value) {
                    throw ValidationError("\(name) must be one of: \(allowed.joined(separator: ", "))")
                }
            }
            if into.isEmpty { throw ValidationError("--into needs a folder") }
        }

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let logger = options.makeLogger(configuration, label: "refkit.civitai")
            var settings = CivitaiSettings(configuration)
            if let limit { settings.limit = limit }
            if let period { settings.period = period }
            if let sort { settings.sort = sort }
            if let nsfw { settings.nsfw = nsfw }
            if let maxRating { settings.maxRating = ContentRating(name: maxRating) ?? settings.maxRating }
            if let modelId { settings.modelID = modelId }
            if let username { settings.username = username }
            if let tags { settings.tags = tags }
            let inbox = (into.hasPrefix("/") ? into : FileManager.default.currentDirectoryPath + "/" + into) as NSString

            let secret = Secrets.resolve(
                name: "civitai", kind: "civitai", apiKeyEnv: configuration.civitai.apiKeyEnv ?? "CIVITAI_API_KEY",
                apiKeyFile: configuration.civitai.apiKeyFile)
            logger.debug("civitai token", metadata: ["civitai.token_source": "\(secret.source)"])

            let database: RefkitDatabase
            do {
                try FileManager.default.createDirectory(atPath: configuration.stateDir, withIntermediateDirectories: true)
                database = try RefkitDatabase(path: StateLayout(root: configuration.stateDir).database)
            } catch {
                throw CLIError(code: 74, message: "cannot open the state database in \(configuration.stateDir): \(error)")
            }
            // One fetch at a time per state directory (the timer and a person may start one together).
            let lockPath = "\(configuration.stateDir)/civitai.lock"
            let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
            guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else {
                if lock >= 0 { close(lock) }
                throw CLIError(code: 75, message: "another `refkit civitai` is running (\(lockPath) is held)")
            }
            defer { close(lock) }

            let http = HTTPClient(logger: logger)
            defer { http.shutdown() }
            let ingest = CivitaiIngest(
                client: CivitaiClient(http: http, settings: settings, token: secret.key, logger: logger), database: database,
                settings: settings, inbox: inbox.standardizingPath, stateDirectory: configuration.stateDir, logger: logger)
            let report: CivitaiRunReport
            do {
                report = try await ingest.run()
            } catch {
                throw CLIError(code: 1, message: "refkit civitai: \(error)")
            }
            if json {
                print(Self.json(report).pretty)
            } else {
                print(report.line)
                for item in report.written { print("  wrote \(item.imageFile) (+ \(item.orderFile))") }
                for failure in report.failed { print("  not taken: image \(failure.imageID): \(failure.code)") }
                if let error = report.fetchError { print("  listing stopped: \(error)") }
            }
            if let error = report.fetchError {
                let transient = [.rateLimited, .unavailable, .unreachable].contains(error.code)
                throw ExitCode(transient ? 75 : 1)
            }
        }

        static func json(_ report: CivitaiRunReport) -> JSONValue {
            .object([
                ("schema", .string("refkit.civitai-run/1")),
                ("batch", .integer(Int(report.batchID))),
                ("pages", .integer(report.pages)),
                ("listed", .integer(report.listed)),
                ("already_seen", .integer(report.alreadySeen)),
                ("repeated", .integer(report.repeated)),
                ("skipped", .counts(report.skipped)),
                ("duplicates", .integer(report.duplicates)),
                (
                    "written",
                    .array(
                        report.written.map {
                            .object([
                                ("image_id", .integer(Int($0.imageID))), ("kit", .string($0.kit)), ("image", .string($0.imageFile)),
                                ("order", .string($0.orderFile)), ("sha256", .string($0.sha256)),
                            ])
                        })
                ),
                (
                    "failed",
                    .array(report.failed.map { .object([("image_id", .integer(Int($0.imageID))), ("code", .string($0.code.rawValue))]) })
                ),
                (
                    "error",
                    report.fetchError.map {
                        .object([("code", .string($0.code.rawValue)), ("message", .string($0.message)), ("detail", .string($0.detail))])
                    } ?? .null
                ),
            ])
        }
    }
}
