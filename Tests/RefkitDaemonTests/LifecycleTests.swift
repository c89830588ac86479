import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitImaging
import RefkitProviders
import RefkitStore
import RefkitTestSupport
import Synchronization
import Testing

/// A provider for life-cycle tests: each image depends on the request's seed (so a regenerated
/// stage really differs), every request is recorded, and stages named in `gate` wait until
/// `open(stage)` before answering.
final class SeededProvider: ImageProvider, Sendable {
    struct Call: Sendable {
        var kitID: String
        var stage: String
        var hadLockedReference: Bool
        var hadSource: Bool
        var seed: UInt64
    }

    let name = "fake"
    let latency: Duration
    private let state = Mutex(
        (calls: [Call](), gates: [String: Int](), waiting: [String: [CheckedContinuation<Void, Never>]](), failing: Set<String>()))

    /// Requests for these stages fail with a final safety block until set otherwise.
    func fail(_ stages: Set<String>) { state.withLock { $0.failing = stages } }

    init(latency: Duration = .zero) { self.latency = latency }

    var calls: [Call] { state.withLock { $0.calls } }

    /// Holds the next `count` requests for `stage` until `open(stage)`.
    func hold(_ stage: String, count: Int = 1) { state.withLock { $0.gates[stage, default: 0] += count } }

    /// Lets every held request for `stage` answer.
    func open(_ stage: String) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.gates[stage] = 0
            return s.waiting.removeValue(forKey: stage) ?? []
        }
        for w in waiters { w.resume() }
    }

    func held(_ stage: String) -> Int { state.withLock { $0.waiting[stage]?.count ?? 0 } }

    func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        let stage = request.stage.name
        state.withLock {
            $0.calls.append(
                Call(
                    kitID: request.kitID, stage: stage, hadLockedReference: request.lockedReference != nil,
                    hadSource: request.source != nil, seed: request.seed))
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { s -> Bool in
                guard let n = s.gates[stage], n > 0 else { return false }
                s.gates[stage] = n - 1
                s.waiting[stage, default: []].append(c)
                return true
            }
            if !wait { c.resume() }
        }
        if latency > .zero { try? await Task.sleep(for: latency) }
        if state.withLock({ $0.failing.contains(stage) }) {
            throw ProviderError(code: .safetyBlock, message: "blocked by the fake", retryable: false)
        }
        do {
            let png = try ImageOps.synthesize(width: 40, height: 40, seed: request.seed % 100_000 + 1, format: "png")
            return GeneratedImage(bytes: png, mime: "image/png", width: 40, height: 40, model: "seeded-1", costUSD: 0.02)
        } catch {
            throw ProviderError(code: .invalidImage, message: "\(error)", retryable: false)
        }
    }
}

/// Every file in a kit folder, relative to it, but for manifest.json, sheet.png and index.html.
func kitFiles(_ folder: String) -> Set<String> {
    var files = Set<String>()
    guard let walker = FileManager.default.enumerator(atPath: folder) else { return files }
    while let path = walker.nextObject() as? String {
        var isDir: ObjCBool = false
        FileManager.default.fileExists(atPath: "\(folder)/\(path)", isDirectory: &isDir)
        if !isDir.boolValue, !["manifest.json", "sheet.png", "index.html"].contains(path) { files.insert(path) }
    }
    return files
}

/// The manifest lists exactly the files of the kit folder, each with its sha256, validates
/// against the schema, and the gallery links every listed image.
@discardableResult
func checkKitFolderExactly(_ folder: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
    let manifest = try checkManifest(kitFolder: folder)
    var listed: [String: String] = [:]
    func add(_ file: JSONValue?, _ sha: JSONValue?) {
        if case .string(let f)? = file, case .string(let s)? = sha { listed[f] = s }
    }
    add(manifest["source"]?["file"], manifest["source"]?["sha256"])
    for key in ["stages", "candidates"] {
        guard case .array(let images)? = manifest[key] else { continue }
        for image in images {
            add(image["file"], image["sha256"])
            add(image["previous"]?["file"], image["previous"]?["sha256"])
        }
    }
    #expect(Set(listed.keys) == kitFiles(folder), "manifest lists exactly the kit's files", sourceLocation: sourceLocation)
    for (file, sha) in listed {
        #expect(FileFixtures.sha256("\(folder)/\(file)") == sha, "\(file) sha256", sourceLocation: sourceLocation)
    }
    let html = String(decoding: FileFixtures.read("\(folder)/index.html") ?? [], as: UTF8.self)
    for file in listed.keys where !file.contains(".prev.") {
        #expect(html.contains(file), "index.html shows \(file)", sourceLocation: sourceLocation)
    }
    if let errors = try await offPool({ try validateAgainstSchema("manifest.schema.json", files: ["\(folder)/manifest.json"]) }) {
        Issue.record("manifest does not validate: \(errors)", sourceLocation: sourceLocation)
    }
    return manifest
}

/// Runs the real `refkit` binary (another process, another database connection) against the
/// configuration file of `dir`.
@discardableResult
func refkitCLI(_ arguments: [String], config: String) async throws -> (status: Int32, output: String) {
    // Waiting for a process blocks a thread: never one of the cooperative pool's two, or the
    // in-process fakes of tests running beside this one starve.
    try await ChildProcess.runOffPool(refkitBinary, arguments + ["--config", config])
}

func lifecycleConfig(_ order: String, imageWaitMs: Int = 400) -> String {
    """
    state_dir = "state"
    [providers.fake]
    kind = "preview"
    concurrency = 4
    [[watch]]
    name = "w"
    inbox = "inbox"
    outbox = "outbox"
    settle_ms = 30
    sidecar_wait_ms = 150
    image_wait_ms = \(imageWaitMs)
      [watch.default_order]
      provider = "fake"
      \(order)
    """
}

/// A running daemon (a SeededProvider as "fake") over one inbox, its configuration also in
/// refkit.toml for the CLI, and one kit made from NAME.jpg, complete.
struct CompleteKitRig {
    let dir: TemporaryDirectory
    let inbox: String
    let provider: SeededProvider
    let daemon: Daemon
    let running: RunningDaemon
    let kit: KitRecord
    let folder: String

    static func start(_ label: String, stages: String, kit name: String, seed: UInt64) async throws -> CompleteKitRig {
        let dir = try TemporaryDirectory(label)
        let inbox = try dir.folder("inbox")
        let text = lifecycleConfig("stages = \"\(stages)\"")
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        let provider = SeededProvider()
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": provider])
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: seed, width: 96, height: 128), to: "\(inbox)/\(name).jpg")
        try await eventually("\(name) is complete") { try daemon.database.kit(name)?.status == .complete }
        let kit = try #require(try daemon.database.kit(name))
        return CompleteKitRig(
            dir: dir, inbox: inbox, provider: provider, daemon: daemon, running: running, kit: kit, folder: try #require(kit.outboxDir))
    }
}

@Suite("Kit life cycle", .timeLimit(.minutes(3)))
struct LifecycleTests {
    /// `selection: manual` waits in awaiting_selection; `refkit select` (another process) and a
    /// control order in the inbox each lock a candidate while the daemon is busy with other kits.
    @Test func manualSelectionByCLIAndByControlFile() async throws {
        let dir = try TemporaryDirectory("select")
        let inbox = try dir.folder("inbox")
        let text = lifecycleConfig(#"stages = ["avatar", "side"]"# + "\n  candidates = 3\n  selection = \"manual\"")
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        let provider = SeededProvider(latency: .milliseconds(30))
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": provider])
        let running = RunningDaemon(daemon)
        for (i, name) in ["ann", "bob"].enumerated() {
            try FileFixtures.write(try ImageFixtures.jpeg(seed: UInt64(10 + i), width: 96, height: 128), to: "\(inbox)/\(name).jpg")
        }
        try await eventually(
            "both kits await a choice", state: { "\((try? daemon.database.kits().map { "\($0.name)=\($0.status.rawValue)" }) ?? [])" }
        ) {
            try daemon.database.kits(status: .awaitingSelection).count == 2
        }
        try await eventually("both kits are published awaiting a choice") {
            try daemon.database.kits(status: .awaitingSelection).allSatisfy { kit in
                kit.outboxDir.flatMap(manifestJSON)?["status"] == .string("awaiting_selection")
            }
        }
        let ann = try #require(try daemon.database.kit("ann"))
        let annFolder = try #require(ann.outboxDir)
        var manifest = try await checkKitFolderExactly(annFolder)
        #expect(manifest["status"] == .string("awaiting_selection"))
        #expect(manifest["candidates"]?.arrayValue?.count == 3)
        #expect(kitFiles(annFolder).isSuperset(of: ["candidates/avatar-1.png", "candidates/avatar-2.png", "candidates/avatar-3.png"]))
        #expect(!FileFixtures.exists("\(annFolder)/side.png"), "nothing but candidates before the choice")
        #expect(String(decoding: FileFixtures.read("\(annFolder)/index.html") ?? [], as: UTF8.self).contains("refkit select"))
        #expect(!provider.calls.contains { $0.stage == "side" }, "no later stage runs before the choice")

        // More work arrives so the daemon is busy while the commands run.
        provider.hold("candidate:1", count: 1)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 30, width: 96, height: 128), to: "\(inbox)/cat.jpg")
        try await eventually("the new kit is being made") { provider.held("candidate:1") == 1 }

        // A wrong choice is refused with a reason; the kit keeps waiting.
        let bad = try await refkitCLI(["select", "ann", "7"], config: dir.url("refkit.toml"))
        #expect(bad.status != 0)
        #expect(bad.output.contains("candidate_unknown"), "\(bad.output)")

        let cli = try await refkitCLI(["select", "ann", "2"], config: dir.url("refkit.toml"))
        #expect(cli.status == 0, "\(cli.output)")
        try FileFixtures.write(#"{"kit": "bob", "select": 3}"#, to: "\(inbox)/bob-choice.json")

        try await eventually(
            "ann and bob are complete", state: { "\((try? daemon.database.kits().map { "\($0.name)=\($0.status.rawValue)" }) ?? [])" }
        ) {
            try daemon.database.kit("ann")?.status == .complete && daemon.database.kit("bob")?.status == .complete
        }
        provider.open("candidate:1")
        manifest = try await checkKitFolderExactly(annFolder)
        #expect(manifest["status"] == .string("complete"))
        #expect(manifest["locked_reference"]?["how"]?.stringValue?.hasPrefix("selected: candidate 2") == true)
        #expect(FileFixtures.sha256("\(annFolder)/avatar.png") == FileFixtures.sha256("\(annFolder)/candidates/avatar-2.png"))
        let bob = try #require(try daemon.database.kit("bob"))
        let bobManifest = try await checkKitFolderExactly(try #require(bob.outboxDir))
        #expect(bobManifest["locked_reference"]?["how"]?.stringValue?.contains("candidate 3") == true)
        #expect(FileFixtures.sha256("\(bob.outboxDir!)/avatar.png") == FileFixtures.sha256("\(bob.outboxDir!)/candidates/avatar-3.png"))
        #expect(!FileFixtures.exists("\(inbox)/bob-choice.json"), "the control order left the inbox")
        // Later stages are made from the source plus the locked reference.
        let sides = provider.calls.filter { $0.stage == "side" && ($0.kitID == ann.id || $0.kitID == bob.id) }
        #expect(sides.count == 2 && sides.allSatisfy { $0.hadLockedReference && $0.hadSource })
        // Selecting again re-locks the avatar: see ReselectTests.
        try await running.stop()
    }

    /// `selection: auto` locks the first candidate, or the analyzer's best match with its reason.
    @Test func autoSelectionFirstOrTheAnalyzersChoice() async throws {
        let dir = try TemporaryDirectory("auto")
        let inbox = try dir.folder("inbox")
        let provider = SeededProvider()
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(lifecycleConfig(#"stages = "core""# + "\n  candidates = 2"), in: dir), logger: quietLogger,
            providers: ["fake": provider])
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 3, width: 96, height: 128), to: "\(inbox)/one.jpg")
        let summary = try await daemon.run(.once)
        #expect(summary.kits[.complete] == 1, "\(summary.kits)")
        let one = try #require(try daemon.database.kit("one"))
        let manifest = try await checkKitFolderExactly(try #require(one.outboxDir))
        #expect(manifest["locked_reference"]?["how"]?.stringValue?.hasPrefix("auto: first candidate made (candidate 1 of 2)") == true)
        #expect(FileFixtures.sha256("\(one.outboxDir!)/avatar.png") == FileFixtures.sha256("\(one.outboxDir!)/candidates/avatar-1.png"))
        #expect(
            manifest["stages"]?.arrayValue?.map { $0["stage"] } == [.string("avatar"), .string("profile")], "candidates are not references")

        let analyzer = try await FakeAnalyzer.start(key: "sk-choose-0000")
        analyzer.script(.content(#"{"best": 2, "reason": "keeps the auburn hair"}"#))
        let dir2 = try TemporaryDirectory("auto-analyzer")
        let inbox2 = try dir2.folder("inbox")
        try FileFixtures.write("sk-choose-0000", to: dir2.url("analyzer.key"))
        let text =
            lifecycleConfig(#"stages = "core""# + "\n  candidates = 3") + """

                [analyzer]
                base_url = "\(analyzer.baseURL)"
                model = "vision-1"
                api_key_file = "analyzer.key"
                """
        let daemon2 = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir2), logger: quietLogger, providers: ["fake": SeededProvider()])
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 4, width: 96, height: 128), to: "\(inbox2)/two.jpg")
        _ = try await daemon2.run(.once)
        let two = try #require(try daemon2.database.kit("two"))
        let events2 = (try? daemon2.database.events(kitID: two.id).map { "\($0.type) \($0.code ?? "") \($0.message ?? "")" }) ?? []
        let stages2 = (try? daemon2.database.stages(kitID: two.id).map { "\($0.stage)=\($0.status.rawValue) \($0.errorCode ?? "")" }) ?? []
        let manifest2 = try await checkKitFolderExactly(
            try #require(two.outboxDir, "kit two: \(two.status.rawValue) \(two.errorCode ?? "") \(stages2) \(events2)"))
        let how = manifest2["locked_reference"]?["how"]?.stringValue ?? ""
        #expect(
            how.contains("analyzer's best match") && how.contains("candidate 2 of 3") && how.contains("keeps the auburn hair"), "\(how)")
        #expect(FileFixtures.sha256("\(two.outboxDir!)/avatar.png") == FileFixtures.sha256("\(two.outboxDir!)/candidates/avatar-2.png"))
        let request = try #require(analyzer.requests.last)
        #expect(request.images.count == 4, "the source and three candidates")
        await analyzer.stop()
    }

    /// A follow-up order adds scenes to a kit, made from its locked reference; an order naming
    /// an unknown kit is rejected with a clear error.
    @Test func followUpScenesOnAKit() async throws {
        let rig = try await CompleteKitRig.start("follow-up", stages: "core", kit: "mira", seed: 5)
        let (dir, inbox, provider, daemon, running, mira, folder) = (
            rig.dir, rig.inbox, rig.provider, rig.daemon, rig.running, rig.kit, rig.folder
        )
        let sheetBefore = FileFixtures.sha256("\(folder)/sheet.png")

        try FileFixtures.write(
            #"{"kit": "mira", "scenes": [{"id": "beach", "description": "walking on a beach at dusk"}], "expressions": ["smile"]}"#,
            to: "\(inbox)/mira-beach.json")
        try FileFixtures.write(#"{"kit": "nobody", "scenes": [{"id": "x", "description": "y"}]}"#, to: "\(inbox)/nobody.json")
        try await eventually(
            "mira has the scene",
            state: { "\((try? daemon.database.stages(kitID: mira.id).map { "\($0.stage)=\($0.status.rawValue)" }) ?? [])" }
        ) {
            let stages = try daemon.database.stages(kitID: mira.id)
            return try daemon.database.kit(mira.id)?.status == .complete
                && stages.contains { $0.stage == .scene("beach") && $0.status == .done }
        }
        let manifest = try await checkKitFolderExactly(folder)
        #expect(FileFixtures.exists("\(folder)/scenes/beach.png") && FileFixtures.exists("\(folder)/expressions/smile.png"))
        #expect(manifest["stages"]?.arrayValue?.count == 4)
        #expect(FileFixtures.sha256("\(folder)/sheet.png") != sheetBefore, "the sheet shows the new references")
        let followUps = provider.calls.filter { $0.kitID == mira.id && ($0.stage == "scene:beach" || $0.stage == "expression:smile") }
        #expect(followUps.count == 2 && followUps.allSatisfy { $0.hadLockedReference }, "made from the locked reference")
        #expect(provider.calls.filter { $0.kitID == mira.id && $0.stage == "avatar" }.count == 1, "the avatar is not made again")

        try await eventually("the unknown kit's order is rejected") { rejectedError(dir, "nobody") != nil }
        let error = try #require(rejectedError(dir, "nobody"))
        #expect(error.contains("order_kit_unknown"), "\(error)")
        try await running.stop()
    }

    /// `refkit regenerate` (and the control order) makes a stage again with a new seed; the old
    /// file stays published until the new one is in place, then is kept as NAME.prev.png.
    @Test func regenerateKeepsTheOldFileUntilTheNewOneIsInPlace() async throws {
        let rig = try await CompleteKitRig.start("regenerate", stages: "turnaround", kit: "kai", seed: 6)
        let (dir, inbox, provider, daemon, running, kai, folder) = (
            rig.dir, rig.inbox, rig.provider, rig.daemon, rig.running, rig.kit, rig.folder
        )
        let oldSide = try #require(FileFixtures.sha256("\(folder)/side.png"))
        let oldBack = try #require(FileFixtures.sha256("\(folder)/back.png"))
        let oldSheet = FileFixtures.sha256("\(folder)/sheet.png")

        provider.hold("side")
        let cli = try await refkitCLI(["regenerate", "kai", "side"], config: dir.url("refkit.toml"))
        #expect(cli.status == 0, "\(cli.output)")
        try await eventually("the new side view is being made") { provider.held("side") == 1 }
        #expect(FileFixtures.sha256("\(folder)/side.png") == oldSide, "the old file stays until the new one is in place")
        try await checkKitFolderExactly(folder)
        let busy = try await refkitCLI(["regenerate", "kai", "side"], config: dir.url("refkit.toml"))
        #expect(busy.status != 0 && busy.output.contains("stage_running"), "\(busy.output)")
        provider.open("side")
        try await eventually("kai is complete again") {
            try daemon.database.kit("kai")?.status == .complete
                && daemon.database.stages(kitID: kai.id).first { $0.stage == .side }?.status == .done
        }
        try await eventually("the new side view is published") { FileFixtures.sha256("\(folder)/side.png") != oldSide }
        let manifest = try await checkKitFolderExactly(folder)
        #expect(FileFixtures.sha256("\(folder)/side.prev.png") == oldSide)
        #expect(FileFixtures.sha256("\(folder)/back.png") == oldBack, "other stages untouched")
        #expect(FileFixtures.sha256("\(folder)/sheet.png") != oldSheet)
        let side = try #require(manifest["stages"]?.arrayValue?.first { $0["stage"] == .string("side") })
        #expect(side["previous"]?["file"] == .string("side.prev.png"))
        #expect(side["history"]?.arrayValue?.count == 1)
        #expect(side["history"]?.arrayValue?.first?["sha256"] == .string(oldSide))
        let sideCalls = provider.calls.filter { $0.kitID == kai.id && $0.stage == "side" }
        #expect(sideCalls.count == 2 && sideCalls[0].seed != sideCalls[1].seed, "a new seed")
        #expect(
            manifest["totals"]?["cost_usd"]?.doubleValue.map { abs($0 - 0.12) < 1e-9 } == true,
            "6 paid images: \(manifest["totals"] ?? .null)")

        // The control order does the same.
        try FileFixtures.write(#"{"kit": "kai", "regenerate": ["back"]}"#, to: "\(inbox)/kai-back.json")
        try await eventually("back is made again") {
            try daemon.database.kit("kai")?.status == .complete && FileFixtures.sha256("\(folder)/back.png") != oldBack
                && FileFixtures.exists("\(folder)/back.prev.png")
        }
        try await eventually("the manifest lists back.prev.png") { manifestJSON(folder)?.serialized.contains("back.prev.png") == true }
        try await checkKitFolderExactly(folder)
        try await running.stop()
    }

    /// A regenerate that fails keeps the last good result as NAME.prev.png and the kit folder
    /// still matches its manifest; a stage behind a failed avatar cannot be regenerated.
    @Test func aFailedRegenerateKeepsThePreviousResult() async throws {
        let rig = try await CompleteKitRig.start("regenerate-fails", stages: "turnaround", kit: "ivy", seed: 21)
        let (dir, inbox, provider, daemon, running, folder) = (rig.dir, rig.inbox, rig.provider, rig.daemon, rig.running, rig.folder)
        let oldSide = try #require(FileFixtures.sha256("\(folder)/side.png"))

        provider.fail(["side", "avatar"])
        let cli = try await refkitCLI(["regenerate", "ivy", "side"], config: dir.url("refkit.toml"))
        #expect(cli.status == 0, "\(cli.output)")
        try await eventually("ivy ends partial and is published") {
            try daemon.database.kit("ivy")?.status == .partial && manifestJSON(folder)?["status"] == .string("partial")
        }
        let manifest = try await checkKitFolderExactly(folder)
        let side = try #require(manifest["stages"]?.arrayValue?.first { $0["stage"] == .string("side") })
        #expect(side["status"] == .string("failed"))
        #expect(side["previous"]?["file"] == .string("side.prev.png"))
        #expect(FileFixtures.sha256("\(folder)/side.prev.png") == oldSide, "the last good result is kept")
        #expect(!FileFixtures.exists("\(folder)/side.png"), "no file the manifest does not list")

        // A kit whose avatar failed: its skipped stages cannot be regenerated (retry it instead).
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 22, width: 96, height: 128), to: "\(inbox)/zed.jpg")
        try await eventually("zed fails") { try daemon.database.kit("zed")?.status == .failed }
        let refused = try await refkitCLI(["regenerate", "zed", "side"], config: dir.url("refkit.toml"))
        #expect(refused.status != 0 && refused.output.contains("stage_dependency_failed"), "\(refused.output)")
        try await running.stop()
    }

    /// `refkit retry` queues only failed stages (and those skipped because of them), here
    /// against a running daemon.
    @Test func retryOnlyTouchesFailedStages() async throws {
        let dir = try TemporaryDirectory("retry")
        let inbox = try dir.folder("inbox")
        let text = lifecycleConfig(#"stages = "turnaround""#)
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        let provider = SeededProvider()
        provider.fail(["side", "back"])
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": provider])
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 7, width: 96, height: 128), to: "\(inbox)/rio.jpg")
        try await eventually("rio ends partial") { try daemon.database.kit("rio")?.status == .partial }
        let rio = try #require(try daemon.database.kit("rio"))
        let before = try daemon.database.stages(kitID: rio.id)
        let folder = try #require(rio.outboxDir)
        try await eventually("rio is published") { manifestJSON(folder)?["status"] == .string("partial") }
        let frontSha = FileFixtures.sha256("\(folder)/front.png")
        let callsBefore = provider.calls.count

        provider.fail([])
        let cli = try await refkitCLI(["retry", "rio"], config: dir.url("refkit.toml"))
        #expect(cli.status == 0, "\(cli.output)")
        #expect(cli.output.contains("back") && cli.output.contains("side"), "\(cli.output)")
        try await eventually(
            "rio is complete",
            state: { "\((try? daemon.database.stages(kitID: rio.id).map { "\($0.stage)=\($0.status.rawValue)" }) ?? [])" }
        ) {
            try daemon.database.kit("rio")?.status == .complete
        }
        let again = provider.calls.dropFirst(callsBefore).filter { $0.kitID == rio.id }.map(\.stage)
        #expect(Set(again) == ["side", "back"] && again.count == 2, "only the failed stages ran again: \(again)")
        let after = try daemon.database.stages(kitID: rio.id)
        for stage in before where stage.status == .done {
            let now = try #require(after.first { $0.stage == stage.stage })
            #expect(now.sha256 == stage.sha256 && now.attempts == stage.attempts && now.file == stage.file, "\(stage.stage) untouched")
        }
        #expect(FileFixtures.sha256("\(folder)/front.png") == frontSha)
        try await eventually("the complete kit is published") { manifestJSON(folder)?["status"] == .string("complete") }
        let manifest = try await checkKitFolderExactly(folder)
        let side = manifest["stages"]?.arrayValue?.first { $0["stage"] == .string("side") }
        #expect(side?["history"]?.arrayValue?.first?["status"] == .string("failed"), "the failed attempt is in the history")
        let nothing = try await refkitCLI(["retry", "rio"], config: dir.url("refkit.toml"))
        #expect(nothing.status != 0 && nothing.output.contains("nothing_to_retry"), "\(nothing.output)")
        try await running.stop()
    }

    /// Deleting a kit whose source another kit shares keeps the other kit whole; deleting the
    /// last user of a source removes its original too. Runs against a busy daemon.
    @Test func deleteKeepsAKitThatSharesTheSource() async throws {
        let dir = try TemporaryDirectory("delete")
        let inbox = try dir.folder("inbox")
        // Each image waits long enough for its order even on a loaded machine (alone it would be a duplicate).
        let text = lifecycleConfig(#"stages = "core""#).replacingOccurrences(of: "sidecar_wait_ms = 150", with: "sidecar_wait_ms = 3000")
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        let provider = SeededProvider()
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": provider])
        let running = RunningDaemon(daemon)
        let jpeg = try ImageFixtures.jpeg(seed: 8, width: 96, height: 128)
        // The same bytes without an order would be a duplicate of the first kit: orders naming
        // their kits make two.
        for twin in ["twin-a", "twin-b"] {
            try FileFixtures.write(#"{"kit": "\#(twin)"}"#, to: "\(inbox)/\(twin).json")
            try FileFixtures.write(jpeg, to: "\(inbox)/\(twin).jpg")
        }
        try await eventually("both twins are complete") {
            try daemon.database.kit("twin-a")?.status == .complete && daemon.database.kit("twin-b")?.status == .complete
        }
        let a = try #require(try daemon.database.kit("twin-a"))
        let b = try #require(try daemon.database.kit("twin-b"))
        #expect(a.sourceID == b.sourceID, "one source, two kits")
        let source = try #require(try daemon.database.source(id: a.sourceID!))
        let original = "\(dir.path)/state/\(source.storedPath)"
        #expect(FileFixtures.exists(original))
        let bFiles = Dictionary(uniqueKeysWithValues: kitFiles(b.outboxDir!).map { ($0, FileFixtures.sha256("\(b.outboxDir!)/\($0)")) })

        // The daemon is busy with another kit while the command runs.
        provider.hold("avatar")
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 9, width: 96, height: 128), to: "\(inbox)/busy.jpg")
        try await eventually("the daemon is busy") { provider.held("avatar") == 1 }
        let busyKit = try #require(try daemon.database.kit("busy"))
        let refused = try await refkitCLI(["delete", "busy", "--yes"], config: dir.url("refkit.toml"))
        #expect(refused.status != 0 && refused.output.contains("kit_busy"), "\(refused.output)")

        let deleted = try await refkitCLI(["delete", "twin-a", "--yes"], config: dir.url("refkit.toml"))
        #expect(deleted.status == 0, "\(deleted.output)")
        #expect(!FileFixtures.exists(a.outboxDir!))
        #expect(try daemon.database.kit(a.id) == nil)
        #expect(FileFixtures.exists(original), "the other kit still uses the original")
        #expect(try daemon.database.source(id: a.sourceID!) != nil)
        for (file, sha) in bFiles { #expect(FileFixtures.sha256("\(b.outboxDir!)/\(file)") == sha, "\(file) of the other kit") }
        try await checkKitFolderExactly(b.outboxDir!)

        let last = try await refkitCLI(["delete", "twin-b", "--yes"], config: dir.url("refkit.toml"))
        #expect(last.status == 0, "\(last.output)")
        #expect(!FileFixtures.exists(original), "no kit uses the original any more")
        #expect(!FileFixtures.exists("\(dir.path)/state/work/\(b.id)"))

        provider.open("avatar")
        try await eventually("the busy kit completes") { try daemon.database.kit(busyKit.id)?.status == .complete }
        let unknown = try await refkitCLI(["delete", "twin-a", "--yes"], config: dir.url("refkit.toml"))
        #expect(unknown.status != 0 && unknown.output.contains("kit_unknown"), "\(unknown.output)")
        try await running.stop()
    }
}

/// The NAME.error.json written beside a rejected file, wherever the watch keeps rejects.
func rejectedError(_ dir: TemporaryDirectory, _ stem: String) -> String? {
    guard let walker = FileManager.default.enumerator(atPath: dir.path) else { return nil }
    while let path = walker.nextObject() as? String {
        if (path as NSString).lastPathComponent.hasPrefix("\(stem).") && path.hasSuffix(".error.json") {
            return FileFixtures.read("\(dir.path)/\(path)").map { String(decoding: $0, as: UTF8.self) }
        }
    }
    return nil
}

extension JSONValue {
    var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    fileprivate var doubleValue: Double? { if case .number(let d, _) = self { d } else { nil } }
}

/// The kit folder's manifest, if it is there and parses (records no issue when it is not).
func manifestJSON(_ folder: String) -> JSONValue? {
    FileFixtures.read("\(folder)/manifest.json").flatMap { try? JSONValue.parse($0) }
}

@Suite("Face swap", .timeLimit(.minutes(2)))
struct FaceSwapTests {
    /// `{"kit": "mira", "face_swap": {"target": "group.jpg"}}` dropped with group.jpg puts the
    /// kit's locked face onto the target: swaps/group.png in the kit, listed in the manifest.
    @Test func theLockedFaceGoesOntoTheTarget() async throws {
        let rig = try await CompleteKitRig.start("face-swap", stages: "core", kit: "mira", seed: 11)
        let (dir, inbox, provider, daemon, running, mira, folder) = (
            rig.dir, rig.inbox, rig.provider, rig.daemon, rig.running, rig.kit, rig.folder
        )

        try FileFixtures.write(#"{"kit": "mira", "face_swap": {"target": "group.jpg"}}"#, to: "\(inbox)/group.json")
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 12, width: 128, height: 96), to: "\(inbox)/group.jpg")
        // A swap whose target is another file than the one beside it is refused, both files kept.
        try FileFixtures.write(#"{"kit": "mira", "face_swap": {"target": "other.jpg"}}"#, to: "\(inbox)/crowd.json")
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 13, width: 128, height: 96), to: "\(inbox)/crowd.jpg")
        try await eventually(
            "the swap is made",
            state: { "\((try? daemon.database.stages(kitID: mira.id).map { "\($0.stage)=\($0.status.rawValue)" }) ?? [])" }
        ) {
            try daemon.database.kit(mira.id)?.status == .complete
                && daemon.database.stages(kitID: mira.id).contains { $0.stage == .swap("group") && $0.status == .done }
        }
        try await eventually("the swap is published") {
            FileFixtures.exists("\(folder)/swaps/group.png") && manifestJSON(folder)?.serialized.contains("swaps/group.png") == true
        }
        try await checkKitFolderExactly(folder)
        let call = try #require(provider.calls.first { $0.kitID == mira.id && $0.stage == "swap:group" })
        #expect(call.hadLockedReference && call.hadSource, "the target with the locked face as reference")
        #expect(provider.calls.filter { $0.kitID == mira.id && $0.stage == "avatar" }.count == 1)
        #expect(!FileFixtures.exists("\(inbox)/group.jpg") && !FileFixtures.exists("\(inbox)/group.json"))
        try await eventually("the mismatched swap is rejected") {
            rejectedError(dir, "crowd.json") != nil && rejectedError(dir, "crowd.jpg") != nil
        }
        #expect(rejectedError(dir, "crowd.json")?.contains("order_face_swap_target_mismatch") == true)
        #expect(try daemon.database.kits().count == 1, "no kit was made of the target images")
        let target = try #require(try daemon.database.stages(kitID: mira.id).first { $0.stage == .swap("group") }?.input)
        #expect(FileFixtures.exists("\(dir.path)/state/\(target)"))
        try await running.stop()
        // Deleting the kit removes the face swap's stored target too (no other kit uses it).
        let deleted = try await refkitCLI(["delete", "mira", "--yes"], config: dir.url("refkit.toml"))
        #expect(deleted.status == 0, "\(deleted.output)")
        #expect(!FileFixtures.exists("\(dir.path)/state/\(target)"))
        #expect(!FileFixtures.exists(folder))
    }
}
