import ArgumentParser
import Foundation
import RefkitConfig
import RefkitCore
import RefkitIntake
import RefkitWatch

extension RefkitCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate images and orders without processing or moving anything.",
            discussion: """
                Each FILE gets the verdict the daemon would give it: the same checks (kind, size, content type by \
                libmagic, pixel limit, full decode; order schema for .json) with the limits of the configuration. \
                Exit status 0 when every file is fine, 1 when any is not.
                """)

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print JSON instead of text.")
        var json = false

        @Argument(help: ArgumentHelp("Images and order files to check.", valueName: "file"))
        var files: [String]

        func validate() throws {
            if files.isEmpty { throw ValidationError("name at least one file to check") }
        }

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let inspector: Inspector
            do {
                inspector = try Inspector(
                    limits: IntakeLimits(configuration.limits))
            } catch {
                throw CLIError.fail(error)
            }
            // Orders are also judged against the configured providers, as intake judges them:
            // with the kit they name, when the state is there to look it up.
            let database = try? StateAccess.open(configuration)
            var results: [JSONValue] = []
            var failures = 0
            for file in files {
                var verdict = CheckedFile.inspect(path: file, with: inspector)
                let watch = CheckedFile.watch(of: file, in: configuration)
                if case .order(let order, _) = verdict,
                    let problem = configuration.providerProblem(for: order, watch: watch, database: database)
                {
                    verdict = .rejected(problem)
                }
                if case .rejected = verdict { failures += 1 }
                if json {
                    results.append(CheckedFile.json(file: file, verdict))
                } else {
                    print(CheckedFile.line(file: file, verdict))
                }
            }
            if json { print(JSONValue.array(results).pretty) }
            if failures > 0 { throw ExitCode(1) }
        }
    }
}

/// One file as `refkit check` judges it.
enum CheckedFile {
    static func inspect(path: String, with inspector: Inspector) -> Verdict {
        guard let entry = InboxEntry.at(path: path, relativePath: path, watch: "check") else {
            return .rejected(RefkitError(.sourceMissing, "no such file", detail: "\(path): \(String(cString: strerror(errno)))"))
        }
        return inspector.inspect(entry)
    }

    /// The watch a file is judged for: the one whose inbox holds it, else the first watch.
    static func watch(of path: String, in configuration: Configuration) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let standard = (absolute as NSString).standardizingPath
        let holder = configuration.watches.first { standard.hasPrefix((($0.inbox as NSString).standardizingPath) + "/") }
        return (holder ?? configuration.watches[0]).name
    }

    static func line(file: String, _ verdict: Verdict) -> String {
        switch verdict {
        case .image(let facts, _):
            "ok        \(file)  image \(facts.mime) \(facts.width)x\(facts.height) \(facts.bytes) bytes sha256 \(facts.sha256)"
        case .order(let order, _):
            "ok        \(file)  order \(KitPlan.plan(for: order.overlaying(Order(stages: .profile(.turnaround)))).stages.count) "
                + "stages\(order.kit.map { " kit \($0)" } ?? "")"
        case .rejected(let error): "rejected  \(file)  \(error.code): \(error.message)\(error.detail.isEmpty ? "" : " (\(error.detail))")"
        case .changed: "changed   \(file)  the file changed while it was read; check it again when it is complete"
        }
    }

    static func json(file: String, _ verdict: Verdict) -> JSONValue {
        switch verdict {
        case .image(let facts, _):
            .object([
                ("file", .string(file)), ("ok", .bool(true)), ("type", .string("image")), ("mime", .string(facts.mime)),
                ("width", .integer(facts.width)), ("height", .integer(facts.height)), ("bytes", .integer(Int(facts.bytes))),
                ("sha256", .string(facts.sha256)),
            ])
        case .order(let order, _):
            .object([("file", .string(file)), ("ok", .bool(true)), ("type", .string("order")), ("order", order.jsonValue)])
        case .rejected(let error):
            .object([
                ("file", .string(file)), ("ok", .bool(false)),
                (
                    "error",
                    .object([
                        ("code", .string(error.code.rawValue)), ("message", .string(error.message)), ("detail", .string(error.detail)),
                    ])
                ),
            ])
        case .changed:
            .object([
                ("file", .string(file)), ("ok", .bool(false)),
                ("error", .object([("code", .string("source_changed")), ("message", .string("the file changed while it was read"))])),
            ])
        }
    }
}
