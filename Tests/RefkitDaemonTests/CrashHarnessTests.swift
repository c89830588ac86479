import Foundation
import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
import RefkitDigest
#endif

/// The `refkit` executable for child-process tests: `$REFKIT_BINARY` when set, else the one
/// built beside the test bundle (`swift build --build-tests` builds every product).
let childRefkitBinary: String = {
    if let path = ProcessInfo.processInfo.environment["REFKIT_BINARY"], !path.isEmpty { return path }
    return refkitBinary
}()

/// SplitMix64: a tiny seeded generator, so a failing run can be repeated with its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The real daemon as a child process, SIGKILLed at random moments and restarted, over 50 kits
/// made by a loopback Gemini fake: at the end every kit is complete and consistent, and no stage
/// recorded as done before a kill was paid for again.
@Suite("Crash-safety harness", .timeLimit(.minutes(3)))
struct CrashHarnessTests {
    static let kits = 50
    static let kills = 10
    static let stages = ["avatar", "front", "profile"]

    /// Which stage a Gemini request is for, from its prompt (RefkitCore.Prompts).
    static func stage(ofPrompt prompt: String) -> String? {
        if prompt.hasPrefix("A head-and-shoulders portrait avatar") { return "avatar" }
        if prompt.hasPrefix("A full-body front view") { return "front" }
        if prompt.hasPrefix("A three-quarter view portrait") { return "profile" }
        return nil
    }

    @Test func sigkillAtRandomMomentsNeverRepaysAFinishedStage() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: childRefkitBinary), "build the refkit product first: \(childRefkitBinary)")
        let seed =
            ProcessInfo.processInfo.environment["REFKIT_CRASH_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64(UInt32.max))
        print("crash harness seed: \(seed) (repeat with REFKIT_CRASH_SEED=\(seed))")
        var random = SplitMix64(state: seed)

        let secret = "AIzaCrashHarness-7e1d"
        let fake = try await FakeGemini.start(apiKey: secret)
        // A small latency on every answer, so kills land while requests are in flight.
        for _ in 0..<2000 { fake.enqueue(.delayed(.milliseconds(150), .image())) }

        let dir = try TemporaryDirectory("crash-harness")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write(secret + "\n", to: dir.url("key.txt"))
        let config = dir.url("refkit.toml")
        try FileFixtures.write(
            """
            state_dir = "state"
            log_level = "info"
            [qa]
            enabled = false
            [limits]
            concurrency = 8
            [retry]
            attempts = 5
            base_delay_ms = 10
            max_delay_ms = 50
            [providers.gemini]
            base_url = "\(fake.baseURL)"
            api_key_file = "key.txt"
            concurrency = 3
            requests_per_minute = 100000
            price_per_image_usd = 0.01
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 30
            sidecar_wait_ms = 30
            max_cost_per_day_usd = 1000
              [watch.default_order]
              stages = ["avatar", "front", "profile"]
              provider = "gemini"
            """, to: config)
        func drop(_ range: Range<Int>) throws {
            for i in range {
                try FileFixtures.write(try ImageFixtures.jpeg(seed: UInt64(1000 + i), width: 72, height: 96), to: "\(inbox)/char\(i).jpg")
            }
        }
        try drop(0..<30)

        let dbPath = dir.url("state/refkit.sqlite")
        /// (normalised source sha256, stage) -> requests, at each kill; and what the store said was done then.
        var snapshots: [(calls: [String: Int], done: Set<String>)] = []

        for kill in 0..<Self.kills {
            let child = try RefkitProcess(["run", "--config", config], log: dir.url("run-\(kill).log"))
            if kill == 4 { try drop(30..<Self.kits) }
            // A random moment: from start-up (intake, recovery) to well into generating and publishing.
            let delay = Duration.milliseconds(Int.random(in: 150...1800, using: &random))
            try await Task.sleep(for: delay)
            child.kill(SIGKILL)
            let status = try await child.waitForExit()
            #expect(status == SIGKILL, "run \(kill) ended by itself (status \(status)) before its kill")
            let done = FileManager.default.fileExists(atPath: dbPath) ? try Self.doneStages(dbPath) : []
            snapshots.append((Self.callsByStage(fake, stateDir: dir.url("state")), done))
            print("crash harness kill \(kill + 1) after \(delay): \(done.count) stages done, \(fake.callCount) provider calls")
        }

        let last = try RefkitProcess(["run", "--config", config], log: dir.url("run-final.log"))
        let database = try RefkitDatabase(path: dbPath)
        try await eventually(
            "all \(Self.kits) kits to complete", timeout: .seconds(90),
            state: { "(\((try? database.kits().map { "\($0.name):\($0.status.rawValue)" }.sorted().joined(separator: " ")) ?? ""))" }
        ) {
            try database.kits(status: .complete).count == Self.kits
        }
        // SIGTERM before the signal handlers are installed would end it uncleanly: wait for the start-up rescan.
        try await eventually("the final run to be up") {
            (try? String(contentsOfFile: last.log, encoding: .utf8))?.contains("inbox rescanned") == true
        }
        last.kill(SIGTERM)
        let exit = try await last.waitForExit()
        #expect(exit == 0, "SIGTERM is a clean stop; log:\n\((try? String(contentsOfFile: last.log, encoding: .utf8))?.suffix(3000) ?? "")")
        await fake.stop()

        let final = Self.callsByStage(fake, stateDir: dir.url("state"))
        #expect(
            final.keys.allSatisfy { !$0.hasPrefix("?") },
            "requests not matched to a kit and stage: \(final.keys.filter { $0.hasPrefix("?") })")
        let kits = try database.kits()
        #expect(kits.count == Self.kits)
        let sourceOf = Self.sourceDigests(stateDir: dir.url("state"))
        for kit in kits {
            let digest = try #require(sourceOf[kit.id], "kit \(kit.name) has no normalised source")
            for stage in Self.stages {
                let key = "\(digest)/\(stage)"
                #expect((final[key] ?? 0) >= 1, "\(kit.name)/\(stage) was never requested")
                // Paid again after being committed as done: the count grew after a snapshot that had it done.
                for (n, snapshot) in snapshots.enumerated() where snapshot.done.contains("\(kit.id)/\(stage)") {
                    #expect(
                        final[key] == snapshot.calls[key],
                        "\(kit.name)/\(stage) was done at kill \(n + 1) (\(snapshot.calls[key] ?? 0) calls) but requested again (\(final[key] ?? 0) calls)"
                    )
                }
            }
            let folder = try #require(kit.outboxDir, "kit \(kit.name) has no outbox folder")
            try Self.expectConsistent(kitFolder: folder)
        }
        // Nothing half-written anywhere: no temp names in the outbox, nothing in the state's tmp/.
        let outboxFiles = FileFixtures.files(below: dir.url("outbox"))
        #expect(outboxFiles.filter { ($0 as NSString).lastPathComponent.hasPrefix(".") }.isEmpty, "hidden temp files left in the outbox")
        #expect(FileFixtures.names(in: dir.url("state/tmp")).isEmpty, "temp files left in the state directory")
        #expect(FileFixtures.names(in: inbox) == [".refkit-inbox.lock"], "sources left in the inbox (only the daemon's lock file stays)")
        let rejected = FileFixtures.files(below: dir.url("rejected"))
        #expect(rejected.isEmpty, "sources rejected: \(rejected)")
    }

    /// "KITID/stage" of every stage the store has as done.
    static func doneStages(_ dbPath: String) throws -> Set<String> {
        let database = try RefkitDatabase(path: dbPath)
        var done = Set<String>()
        for kit in try database.kits() {
            for stage in try database.stages(kitID: kit.id) where stage.status == .done { done.insert("\(kit.id)/\(stage.stage)") }
        }
        return done
    }

    /// The sha256 of each kit's normalised source (`work/KIT/source.jpg`), by kit id.
    static func sourceDigests(stateDir: String) -> [String: String] {
        var out: [String: String] = [:]
        for kitID in FileFixtures.names(in: "\(stateDir)/work") {
            if let digest = FileFixtures.sha256("\(stateDir)/work/\(kitID)/source.jpg") { out[kitID] = digest }
        }
        return out
    }

    /// Requests that reached the fake, as "SOURCE-SHA256/stage" -> count. The kit is told by
    /// the normalised source the request carries (unique per kit); "?" marks an unmatched one.
    static func callsByStage(_ fake: FakeGemini, stateDir: String) -> [String: Int] {
        let sources = Set(sourceDigests(stateDir: stateDir).values)
        var calls: [String: Int] = [:]
        for request in fake.requests {
            let stage = request.texts.lazy.compactMap(stage(ofPrompt:)).first ?? "?"
            let digest = request.images.map { SHA256Digest.hex(of: $0.bytes) }.first { sources.contains($0) } ?? "?"
            calls["\(digest)/\(stage)", default: 0] += 1
        }
        return calls
    }

    /// Files listed by the manifest == files present (besides manifest, sheet and gallery), each with its sha256.
    static func expectConsistent(kitFolder: String) throws {
        let manifest = try checkManifest(kitFolder: kitFolder)
        #expect(manifest["status"] == .string("complete"), "\(kitFolder) manifest status \(String(describing: manifest["status"]))")
        var listed: Set<String> = []
        if case .string(let file)? = manifest["source"]?["file"] { listed.insert(file) }
        if case .array(let stages)? = manifest["stages"] {
            for stage in stages {
                if case .string(let file)? = stage["file"] { listed.insert(file) }
                #expect(stage["status"] == .string("done"), "\(kitFolder): \(String(describing: stage["stage"])) not done")
            }
            #expect(stages.count == Self.stages.count)
        }
        let present = Set(FileFixtures.files(below: kitFolder)).subtracting(["manifest.json", "sheet.png", "index.html"])
        #expect(present == listed, "\(kitFolder): present \(present.sorted()) but listed \(listed.sorted())")
    }
}
