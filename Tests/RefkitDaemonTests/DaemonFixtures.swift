import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitDigest
import RefkitImaging
import RefkitProviders
import RefkitTestSupport
import Synchronization
import Testing

/// The repository root (for inbox-example/, schemas/ and the built binary).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The `refkit` executable built beside the test bundle.
let refkitBinary: String = {
    let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [bundleDir, bundleDir.deletingLastPathComponent()] {
        let path = candidate.appendingPathComponent("refkit").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return "\(repositoryRoot)/.build/debug/refkit"
}()

let quietLogger: Logger = {
    if ProcessInfo.processInfo.environment["REFKIT_TEST_LOG"] != nil {
        var logger = Logger(label: "refkit.test", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .debug
        return logger
    }
    return Logger(label: "refkit.test", factory: { _ in SwiftLogNoOpLogHandler() })
}()

/// A fake image provider for in-process tests: answers with a small PNG at once and counts
/// its calls per kit and stage.
final class CountingProvider: ImageProvider, Sendable {
    let name: String
    private let calls = Mutex<[String: Int]>([:])
    private let image: [UInt8]
    let failStages: Set<String>

    init(name: String = "fake", failStages: Set<String> = []) throws {
        self.name = name
        self.failStages = failStages
        self.image = try ImageOps.synthesize(width: 32, height: 32, seed: 3, format: "png")
    }

    func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        calls.withLock { $0["\(request.kitID)/\(request.stage.name)", default: 0] += 1 }
        if failStages.contains(request.stage.name) {
            throw ProviderError(code: .safetyBlock, message: "blocked by the fake", retryable: false)
        }
        return GeneratedImage(bytes: image, mime: "image/png", width: 32, height: 32, model: "fake-1", costUSD: 0.01)
    }

    var totalCalls: Int { calls.withLock { $0.values.reduce(0, +) } }
    func calls(kitID: String) -> [String: Int] {
        calls.withLock { $0.filter { $0.key.hasPrefix(kitID + "/") } }
    }
}

/// Runs a daemon in `.daemon` mode in the background until `stop()`.
final class RunningDaemon: Sendable {
    let daemon: Daemon
    let task: Task<Daemon.Summary, any Error>

    init(_ daemon: Daemon) {
        self.daemon = daemon
        task = Task { try await daemon.run(.daemon) }
    }

    @discardableResult
    func stop() async throws -> Daemon.Summary {
        daemon.shutdown()
        return try await task.value
    }
}

/// Parses a manifest and checks every file it lists exists with its sha256.
func checkManifest(kitFolder: String) throws -> JSONValue {
    let data = try #require(FileManager.default.contents(atPath: "\(kitFolder)/manifest.json"), "no manifest in \(kitFolder)")
    let manifest = try JSONValue.parse([UInt8](data))
    var files: [(String, String)] = []
    if case .array(let stages)? = manifest["stages"] {
        for stage in stages {
            if case .string(let file)? = stage["file"], case .string(let sha)? = stage["sha256"] { files.append((file, sha)) }
        }
    }
    if case .string(let file)? = manifest["source"]?["file"], case .string(let sha)? = manifest["source"]?["sha256"] {
        files.append((file, sha))
    }
    for (file, sha) in files {
        let bytes = try #require(FileManager.default.contents(atPath: "\(kitFolder)/\(file)"), "\(file) listed but missing")
        #expect(SHA256Digest.hex(of: [UInt8](bytes)) == sha, "\(file) sha256 differs from the manifest")
    }
    return manifest
}

/// Validates JSON files against a schema of schemas/ with a real JSON Schema validator.
func validateAgainstSchema(_ schema: String, files: [String]) throws -> String? {
    let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        v = jsonschema.Draft202012Validator(schema)
        errors = []
        for path in sys.argv[2:]:
            for e in v.iter_errors(json.load(open(path))):
                errors.append(f"{path}: {list(e.absolute_path)}: {e.message}")
        print("\\n".join(errors))
        sys.exit(1 if errors else 0)
        """
    let (status, output) = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script, "\(repositoryRoot)/schemas/\(schema)"] + files)
    return status == 0 ? nil : output
}

/// QA is off unless the text has a `[qa]` table: tests of the rest of the pipeline make their
/// images synthetically (40 px noise, one picture for every view), which QA rightly fails and
/// makes again; QA's own tests (QAPipelineTests) turn it on with real photographs. The web UI is
/// off unless the text has a `[web]` table.
func loadConfiguration(_ text: String, in directory: TemporaryDirectory) throws -> Configuration {
    var configuration = try ConfigurationLoader.parse(text: text, file: "\(directory.path)/refkit.toml", relativeTo: directory.path)
    if !text.contains("[qa") { configuration.qa.enabled = false }
    // The web UI likewise: one listener per test daemon on the default port would collide; its own tests ask for it.
    if !text.contains("[web") { configuration.web.enabled = false }
    return configuration
}
