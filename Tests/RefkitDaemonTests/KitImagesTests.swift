import Foundation
import RefkitCore
import RefkitDaemon
import RefkitDigest
import RefkitTestSupport
import Testing

/// Issue 17, item 2, end to end: a finished kit asked for images by `refkit make` and by the web
/// API; the images are made by fal (the entries' own provider, against the fake fal) while the
/// kit's views were made by the kit's provider.
@Suite("Images made from a kit, end to end", .timeLimit(.minutes(3)))
struct KitImagesTests {
    static let key = "fal-images-key-0123456789"

    /// The watch's order (the kit's views, by "fake"), then fal's table: the order text is the
    /// configuration's last table, so the provider table may follow it.
    static func order(fal: FakeFal, keyFile: String) -> String {
        """
        stages = ["avatar", "reference_avatar", "front", "back", "profile"]
        [providers.fal]
        base_url = "\(fal.baseURL)"
        app_id = "fal-ai/flux-pro/kontext/multi"
        images_field = "image_urls"
        api_key_file = "\(keyFile)"
        """
    }

    @Test func refkitMakeAndTheWebAPIMakeImagesOfTheCharacter() async throws {
        // The key is read when the daemon starts, so it is written before the rig's directory exists.
        let keys = try TemporaryDirectory("kit-images-key")
        try FileFixtures.write(Self.key + "\n", to: keys.url("fal.key"))
        let fal = try await FakeFal.start(key: Self.key)
        do {
            try await WebRig.with("kit-images", order: Self.order(fal: fal, keyFile: keys.url("fal.key"))) { rig in
                try await Self.run(rig, fal: fal)
            }
        } catch {
            await fal.stop()
            throw error
        }
        await fal.stop()
    }

    static func submitted(_ fal: FakeFal) -> [JSONValue] { fal.calls(.submit).compactMap(\.json) }

    static func run(_ rig: WebRig, fal: FakeFal) async throws {
        let (dir, daemon) = (rig.dir, rig.daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 21, width: 96, height: 128), to: "\(rig.inbox)/mira.jpg")
        try await eventually("mira is complete") { try daemon.database.kit("mira")?.status == .complete }
        let mira = try #require(try daemon.database.kit("mira"))
        let folder = try #require(mira.outboxDir)
        #expect(fal.count(.submit) == 0, "the kit's views are the kit's provider's")

        let made = try await refkitCLI(
            [
                "make", "mira", "--prompt", "wearing a red dress at sunset", "--count", "4", "--negative", "hat", "--aspect", "3:4",
                "--provider", "fal",
            ],
            config: dir.url("refkit.toml"))
        #expect(made.status == 0, "\(made.output)")
        #expect(made.output.contains("\(folder)/images"), "says where the images appear: \(made.output)")
        let images = (1...4).map { Stage.image(id: "wearing-a-red-dress", n: $0) }
        try await eventually(
            "four images are made and published",
            state: { "\((try? daemon.database.stages(kitID: mira.id).map { "\($0.stage)=\($0.status.rawValue)" }) ?? [])" }
        ) {
            let done = try daemon.database.stages(kitID: mira.id).filter { images.contains($0.stage) && $0.status == .done }
            return try done.count == 4 && images.allSatisfy { FileFixtures.exists("\(folder)/\($0.fileName)") }
                && manifestJSON(folder)?.serialized.contains("images/wearing-a-red-dress-4.png") == true
                && daemon.database.kit(mira.id)?.status == .complete
        }
        let calls = submitted(fal)
        #expect(calls.count == 4, "one call per image, all by fal")
        for call in calls {
            let prompt = call["prompt"]?.stringValue ?? ""
            #expect(prompt.hasPrefix("wearing a red dress at sunset"), "the user's words: \(prompt)")
            #expect(!prompt.contains("same outfit"), "nothing contradicts the dress: \(prompt)")
            let references = call["image_urls"]?.arrayValue?.count ?? 0
            // The source, the locked avatar and the best views (reference_avatar, front, profile; not the back).
            #expect(references == 5, "\(references) images sent")
        }
        #expect(Set(calls.compactMap { $0["seed"]?.serialized }).count == 4, "a seed of its own per image")

        let manifest = try checkManifest(kitFolder: folder)
        let entries = manifest["stages"]?.arrayValue?.filter { $0["stage"]?.stringValue?.hasPrefix("image:") == true } ?? []
        #expect(entries.count == 4)
        for entry in entries {
            #expect(entry["provider"] == .string("fal"))
            #expect(entry["image_request"]?["prompt"] == .string("wearing a red dress at sunset"))
            #expect(entry["image_request"]?["negative_prompt"] == .string("hat"))
            #expect(entry["image_request"]?["aspect"] == .string("3:4"))
            #expect(entry["seed"] != nil && entry["seed"] != .null)
        }
        #expect(try validateAgainstSchema("manifest.schema.json", files: ["\(folder)/manifest.json"]) == nil)

        // The web API: the same order, answered with the stages it plans.
        let body = #"{"images": [{"id": "train", "prompt": "reading on a train", "keep_outfit": true, "provider": "fal"}]}"#
        let answer = try await rig.client.send("POST", "/api/v1/kits/mira/images", json: body)
        #expect(answer.status == 202, "\(answer.body)")
        #expect(answer.json?["stages"] == .array([.string("image:train-1")]))
        #expect(answer.json?["files"] == .array([.string("images/train-1.png")]))
        #expect(try openAPIProblems([("ImagesOrder", answer.body)]) == nil)
        try await eventually("the web's image is made") {
            try daemon.database.stages(kitID: mira.id).contains { $0.stage == .image(id: "train", n: 1) && $0.status == .done }
                && FileFixtures.exists("\(folder)/images/train-1.png")
        }
        let kept = submitted(fal).last?["prompt"]?.stringValue ?? ""
        #expect(kept.hasPrefix("reading on a train") && kept.contains("same outfit"), "kept when asked: \(kept)")

        // The kit page has the form, which posts natively and lands back on the page.
        let page = try await rig.client.send("GET", "/kits/\(mira.id)")
        #expect(page.body.contains("action=\"/kits/\(mira.id)/images\""), "the kit page offers the form")
        let posted = try await rig.client.send(
            "POST", "/kits/\(mira.id)/images", headers: ["Content-Type: application/x-www-form-urlencoded"],
            body: "prompt=dancing+in+the+rain&count=1&aspect=16%3A9")
        #expect(posted.status == 303 && posted.header("Location") == "/kits/\(mira.id)", "\(posted.head)")
        try await eventually("the form's image is made") {
            FileFixtures.exists("\(folder)/images/dancing-in-the-rain-1.png")
        }
        // No provider in the form: the kit's makes it.
        let danced = try #require(try daemon.database.stages(kitID: mira.id).first { $0.stage == .image(id: "dancing-in-the-rain", n: 1) })
        #expect(danced.provider == "fake" && danced.prompt?.hasPrefix("dancing in the rain") == true, "\(danced)")

        let bad = try await rig.client.send(
            "POST", "/api/v1/kits/mira/images", json: #"{"images": [{"id": "x", "prompt": "y", "count": 9}]}"#)
        #expect(bad.status == 400 && bad.body.contains("$.images[0].count"), "\(bad.body)")
        let unknownProvider = try await rig.client.send(
            "POST", "/api/v1/kits/mira/images", json: #"{"images": [{"id": "x", "prompt": "y", "provider": "nope"}]}"#)
        #expect(unknownProvider.status == 400 && unknownProvider.errorCode == "order_provider_unknown", "\(unknownProvider.body)")
        let nobody = try await rig.client.send("POST", "/api/v1/kits/nobody/images", json: body)
        #expect(nobody.status == 404)
        // A text-only kit has no avatar to make images from: refused by intake and by the API alike.
        try FileFixtures.write(#"{"kit": "plan", "characters": [{"name": "captain"}]}"#, to: "\(rig.inbox)/plan.json")
        try await eventually("the plan is a kit") { try daemon.database.kit("plan") != nil }
        try FileFixtures.write(#"{"kit": "plan", "images": [{"id": "a", "prompt": "x"}]}"#, to: "\(rig.inbox)/plan-images.json")
        try await eventually("the images order is refused") { rejectedError(dir, "plan-images.json") != nil }
        #expect(rejectedError(dir, "plan-images.json")?.contains("order_kit_has_no_face") == true)
        let planned = try await rig.client.send("POST", "/api/v1/kits/plan/images", json: body)
        #expect(planned.status == 400 && planned.errorCode == "order_kit_has_no_face", "\(planned.body)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: rig.inbox).filter { $0.hasSuffix(".json") }.isEmpty)
    }
}

/// Issue 17, item 2, with QA on: a made image is checked like a reference, its face compared with
/// the locked avatar, and no view is demanded of it; asked in the first order, it is made once the
/// avatar is locked, from the avatar and the kit's QA-passed views.
@Suite("Images made from a kit, with QA", .timeLimit(.minutes(3)))
struct KitImagesQATests {
    @Test func anImageOfAnotherPersonIsMadeAgainAndTheRightOneKept() async throws {
        let answers = [
            try QAImages.photo("obama2.jpg"),  // avatar
            try QAImages.photo("obama3.jpg"),  // front: right (pass)
            try QAImages.photo("biden.jpg"),  // image:cafe-1: another person (identity)
            try QAImages.photo("obama_partial_face2.jpg"),  // image:cafe-1: the character, framed as it likes
        ]
        let rig = try await QARig.run(
            "qa-images", stages: #"["avatar", "front"]"#, answers: answers,
            order: #"images = [{id = "cafe", prompt = "sitting in a cafe with a book"}]"#)
        #expect(rig.fake.callCount == 4)
        let image = try rig.stage("obama", .image(id: "cafe", n: 1))
        let qa = try #require(image.qa, "the image was checked")
        let summary = qa.checks.map { "\($0.check)=\($0.verdict) \($0.detail)" }
        #expect(qa.attempts == 2, "\(summary)")
        #expect(qa.verdict != .fail, "\(summary)")
        #expect(image.sha256 == SHA256Digest.hex(of: answers[3]), "the right attempt is kept")
        #expect(rig.prompt(2).hasPrefix("sitting in a cafe with a book"), "\(rig.prompt(2))")
        #expect(rig.prompt(3).contains("looked like a different person"), "identity fed back: \(rig.prompt(3))")
        // The source, the locked avatar and the QA-passed front.
        #expect(rig.fake.requests[2].images.count == 3, "\(rig.fake.requests[2].images.count) images sent")
        #expect(rig.summary.kits[.complete] == 1, "\(rig.summary.kits)")
    }
}
