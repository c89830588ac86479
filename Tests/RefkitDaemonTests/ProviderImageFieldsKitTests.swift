import Foundation
import RefkitCore
import RefkitDaemon
import RefkitTestSupport
import Testing

/// A depth-ControlNet app's control image and a face-swap app's two images, end to end through
/// the daemon against the fake fal (issue 17 item 4): what the app received, and what the outbox says.
@Suite("Control images and face-swap fields through the daemon", .timeLimit(.minutes(2)))
struct ProviderImageFieldsKitTests {
    static func decoded(_ value: JSONValue?) -> [UInt8]? {
        guard case .string(let uri)? = value else { return nil }
        return FakeFal.DataURI.decode(uri)?.bytes
    }

    @Test func theDepthAppGetsTheSourceForAFullBodyViewAndTheAvatarForAnExpression() async throws {
        let secret = "fal-depth-secret-0044"
        let fake = try await FakeFal.start(key: secret)
        let run = try await ProviderKit.make(
            provider: "depth",
            providerTable: """
                [providers.depth]
                kind = "fal"
                base_url = "\(fake.baseURL)"
                app_id = "fal-ai/flux-pro/v1/depth"
                images_field = ""
                control_image_field = "control_image_url"
                """,
            secret: secret, stages: #"["avatar", "full_body", "expression:smile"]"#)
        await fake.stop()
        #expect(run.summary.kits[.complete] == 1, "\(run.log.text.suffix(3000))")
        let folder = try #require(try run.kit.outboxDir)
        _ = try checkManifest(kitFolder: folder)
        let source = try #require(FileFixtures.read("\(folder)/source.jpg"), "the normalised source the providers received")
        let avatar = try #require(FileFixtures.read("\(folder)/avatar.png"), "the locked avatar")

        // Each stage's request is found by its seed (recorded per stage; fal gets its low 31 bits).
        let submits = fake.calls(.submit).compactMap(\.json)
        func input(of stage: String) throws -> JSONValue {
            let seed = try #require(try run.stage(stage).seed)
            let wire = Int(UInt64(bitPattern: seed) & 0x7FFF_FFFF)
            return try #require(submits.first { $0["seed"] == .integer(wire) }, "no request for \(stage)")
        }
        #expect(submits.count == 3)
        #expect(Self.decoded(try input(of: "full_body")["control_image_url"]) == source, "a body view follows the source's body")
        #expect(Self.decoded(try input(of: "expression:smile")["control_image_url"]) == avatar, "a head view follows the locked avatar")
        #expect(Self.decoded(try input(of: "avatar")["control_image_url"]) == source)
        #expect(submits.allSatisfy { $0["image_url"] == nil }, "the depth app gets its control image only")
        try run.expectSecretNowhere()
    }

    @Test func aFaceSwapAppGetsTheTargetAndTheLockedFaceUnderItsOwnFields() async throws {
        let secret = "fal-swap-secret-0045"
        let fake = try await FakeFal.start(key: secret)
        fake.setOutput(#"{"image":{"url":"{base}/files/result.png","content_type":"image/png","width":40,"height":30}}"#)
        let dir = try TemporaryDirectory("swap-fields")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write(secret, to: dir.url("fal.key"))
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [providers.faceswap]
            kind = "fal"
            base_url = "\(fake.baseURL)"
            api_key_file = "fal.key"
            app_id = "fal-ai/face-swap"
            images_field = ""
            target_field = "base_image_url"
            face_field = "swap_image_url"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 30
            sidecar_wait_ms = 150
            image_wait_ms = 2000
              [watch.default_order]
              provider = "preview"
              stages = "core"
            """, in: dir)
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 41, width: 96, height: 128), to: "\(inbox)/mira.jpg")
        try await eventually("mira is complete") { try daemon.database.kit("mira")?.status == .complete }
        let mira = try #require(try daemon.database.kit("mira"))

        try FileFixtures.write(
            #"{"kit": "mira", "provider": "faceswap", "face_swap": {"target": "group.jpg"}}"#, to: "\(inbox)/group.json")
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 42, width: 128, height: 96), to: "\(inbox)/group.jpg")
        try await eventually(
            "the swap is made",
            state: { "\((try? daemon.database.stages(kitID: mira.id).map { "\($0.stage)=\($0.status.rawValue)" }) ?? [])" }
        ) {
            try daemon.database.stages(kitID: mira.id).contains { $0.stage == .swap("group") && $0.status == .done }
        }
        try await eventually("the swap is published") {
            mira.outboxDir.flatMap { manifestJSON($0) }?.serialized.contains("swaps/group.png") == true
        }
        try await running.stop()
        await fake.stop()

        let swap = try #require(try daemon.database.stages(kitID: mira.id).first { $0.stage == .swap("group") })
        #expect(swap.provider == "faceswap")
        let target = try #require(swap.input.flatMap { FileFixtures.read("\(dir.path)/state/\($0)") }, "the stored target")
        let locked = try #require(mira.lockedReference.flatMap { FileFixtures.read("\(dir.path)/state/\($0)") }, "the locked avatar")
        let submit = try #require(fake.calls(.submit).first)
        #expect(submit.path == "/fal-ai/face-swap")
        let input = try #require(submit.json)
        #expect(Self.decoded(input["base_image_url"]) == target, "the picture to change")
        #expect(Self.decoded(input["swap_image_url"]) == locked, "the kit's face")
        #expect(input["image_url"] == nil)
        #expect(fake.count(.submit) == 1, "only the swap went to the face-swap app")
    }
}
