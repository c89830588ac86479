import Foundation
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

/// The locked reference "never changes unless the user re-selects": `refkit select` (and the
/// control order) on a kit whose avatar is chosen locks the new candidate as a new generation of
/// the reference; views made from the earlier one are marked in `refkit show` and the manifest,
/// and `--remake` / `"remake": true` makes them again from the new one. A regenerated avatar
/// starts a new generation too.
@Suite("Re-selecting the locked reference", .timeLimit(.minutes(3)))
struct ReselectTests {
    static func stage(_ manifest: JSONValue, _ name: String) -> JSONValue? {
        manifest["stages"]?.arrayValue?.first { $0["stage"] == .string(name) }
    }

    static func int(_ n: Int) -> JSONValue { .number(Double(n), isInteger: true) }

    /// Waits until the kit is complete and its published manifest shows reference generation `n`.
    static func published(_ daemon: Daemon, kit: String, folder: String, generation n: Int) async throws -> JSONValue {
        try await eventually(
            "\(kit) complete with reference generation \(n)",
            state: {
                "\((try? daemon.database.stages(kitID: kit).map { "\($0.stage)=\($0.status.rawValue)" }) ?? [])"
            }
        ) {
            try daemon.database.kit(kit)?.status == .complete && manifestJSON(folder)?["locked_reference"]?["generation"] == int(n)
        }
        return try await checkKitFolderExactly(folder)
    }

    @Test("select on a chosen avatar re-locks it, marks what the old one made, and --remake / remake:true make it again")
    func reselectMarksAndRemakes() async throws {
        let dir = try TemporaryDirectory("reselect")
        let inbox = try dir.folder("inbox")
        let config = dir.url("refkit.toml")
        let text = lifecycleConfig(#"stages = ["avatar", "side", "front"]"# + "\n  candidates = 3\n  selection = \"manual\"")
        try FileFixtures.write(text, to: config)
        let provider = SeededProvider()
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": provider])
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 41, width: 96, height: 128), to: "\(inbox)/ann.jpg")
        try await eventually("ann awaits a choice, published") {
            let kit = try daemon.database.kit("ann")
            return kit?.status == .awaitingSelection && kit?.outboxDir != nil
        }
        let ann = try #require(try daemon.database.kit("ann"))
        let folder = try #require(ann.outboxDir)

        let first = try await refkitCLI(["select", "ann", "1"], config: config)
        #expect(first.status == 0, "\(first.output)")
        var manifest = try await Self.published(daemon, kit: ann.id, folder: folder, generation: 1)
        for view in ["side", "front"] {
            #expect(Self.stage(manifest, view)?["reference_generation"] == Self.int(1))
            #expect(Self.stage(manifest, view)?["made_from_earlier_reference"] == .bool(false))
        }
        #expect(Self.stage(manifest, "avatar")?["reference_generation"] == .null, "the avatar is not made from the reference")

        // Re-lock without remaking: the views stay, marked as made from the earlier reference.
        let second = try await refkitCLI(["select", "ann", "2"], config: config)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("2 stage(s) were made from the earlier reference"), "\(second.output)")
        manifest = try await Self.published(daemon, kit: ann.id, folder: folder, generation: 2)
        #expect(manifest["locked_reference"]?["how"]?.stringValue?.hasPrefix("selected: candidate 2") == true)
        #expect(FileFixtures.sha256("\(folder)/avatar.png") == FileFixtures.sha256("\(folder)/candidates/avatar-2.png"))
        #expect(FileFixtures.sha256("\(folder)/avatar.prev.png") == FileFixtures.sha256("\(folder)/candidates/avatar-1.png"))
        for view in ["side", "front"] {
            #expect(Self.stage(manifest, view)?["reference_generation"] == Self.int(1))
            #expect(Self.stage(manifest, view)?["made_from_earlier_reference"] == .bool(true), "\(view) is marked")
        }
        #expect(provider.calls.filter { $0.kitID == ann.id && $0.stage == "side" }.count == 1, "nothing paid for without --remake")
        let show = try await refkitCLI(["show", "ann"], config: config)
        #expect(show.output.contains("made from an earlier reference (generation 1)"), "\(show.output)")
        let shown = try JSONValue.parse(Array(try await refkitCLI(["show", "ann", "--json"], config: config).output.utf8))
        #expect(shown["reference_generation"] == Self.int(2))
        #expect(shown["stages"]?.arrayValue?.first { $0["stage"] == .string("side") }?["made_from_earlier_reference"] == .bool(true))

        // The control order with remake on the same candidate makes the marked views again.
        try FileFixtures.write(#"{"kit": "ann", "select": 2, "remake": true}"#, to: "\(inbox)/ann-remake.json")
        try await eventually("side and front made again", state: { "\(provider.calls.map(\.stage))" }) {
            provider.calls.filter { $0.kitID == ann.id && $0.stage == "side" }.count == 2
                && provider.calls.filter { $0.kitID == ann.id && $0.stage == "front" }.count == 2
        }
        try await eventually("the remade views are published") {
            guard try daemon.database.kit(ann.id)?.status == .complete, let m = manifestJSON(folder) else { return false }
            return Self.stage(m, "side")?["reference_generation"] == Self.int(2)
                && Self.stage(m, "front")?["reference_generation"] == Self.int(2)
        }
        manifest = try await checkKitFolderExactly(folder)
        for view in ["side", "front"] {
            #expect(Self.stage(manifest, view)?["made_from_earlier_reference"] == .bool(false), "\(view) made from the new reference")
        }
        #expect(!FileFixtures.exists("\(inbox)/ann-remake.json"), "the control order left the inbox")

        // Re-lock and remake at once, from the CLI.
        let third = try await refkitCLI(["select", "ann", "3", "--remake"], config: config)
        #expect(third.status == 0, "\(third.output)")
        try await eventually("the views are made from candidate 3") {
            guard try daemon.database.kit(ann.id)?.status == .complete, let m = manifestJSON(folder) else { return false }
            return m["locked_reference"]?["generation"] == Self.int(3) && Self.stage(m, "side")?["reference_generation"] == Self.int(3)
                && Self.stage(m, "front")?["reference_generation"] == Self.int(3)
        }
        manifest = try await checkKitFolderExactly(folder)
        #expect(FileFixtures.sha256("\(folder)/avatar.png") == FileFixtures.sha256("\(folder)/candidates/avatar-3.png"))
        #expect(provider.calls.filter { $0.kitID == ann.id && $0.stage == "side" }.count == 3)
        #expect(
            provider.calls.filter { $0.kitID == ann.id && ($0.stage == "side" || $0.stage == "front") }.allSatisfy { $0.hadLockedReference }
        )

        // The same candidate again with nothing left to remake is refused with a reason.
        let same = try await refkitCLI(["select", "ann", "3"], config: config)
        #expect(same.status != 0 && same.output.contains("candidate_already_locked"), "\(same.output)")
        try await running.stop()
    }

    @Test("a regenerated avatar is a new generation of the reference: the views made from the old one are marked")
    func regeneratedAvatarMarksViews() async throws {
        let rig = try await CompleteKitRig.start("regenerate-avatar", stages: "core", kit: "kim", seed: 42)
        let (dir, daemon, running, kim, folder) = (rig.dir, rig.daemon, rig.running, rig.kit, rig.folder)
        var manifest = try await checkKitFolderExactly(folder)
        #expect(manifest["locked_reference"]?["generation"] == Self.int(1))
        #expect(Self.stage(manifest, "profile")?["made_from_earlier_reference"] == .bool(false))

        let cli = try await refkitCLI(["regenerate", "kim", "avatar"], config: dir.url("refkit.toml"))
        #expect(cli.status == 0, "\(cli.output)")
        manifest = try await Self.published(daemon, kit: kim.id, folder: folder, generation: 2)
        #expect(Self.stage(manifest, "profile")?["reference_generation"] == Self.int(1))
        #expect(Self.stage(manifest, "profile")?["made_from_earlier_reference"] == .bool(true))
        try await running.stop()
    }
}
