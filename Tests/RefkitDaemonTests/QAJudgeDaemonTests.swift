import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

@Suite("QA's judge, missing models, stylised kits and refkit qa, in the daemon", .timeLimit(.minutes(3)))
struct QAJudgeDaemonTests {
    static func rubric(view: String, same: String = "yes", score: Int = 4, face: Bool = true) -> String {
        """
        {"image_ok": true, "contains_text": false, "identity_evidence": ["short dark hair", "smile"], \
        "identity_differences": [], "same_character": "\(same)", "identity_score": \(score), "observed_view": "\(view)", \
        "face_visible": \(face), "is_mirror_of_reference": false, "back_is_true_rotation": null, "outfit_matches": 4, \
        "expression": null}
        """
    }

    /// The judge (the analyzer's chat server) sees the reference and the candidate, its rubric
    /// answer is recorded with its cost (counted in the kit's spend); an answer that breaks the
    /// rubric or a failing judge warns, never passes, and does not hold the kit back.
    @Test func theJudgeIsAskedAndItsFailuresWarn() async throws {
        let analyzer = try await FakeAnalyzer.start()
        analyzer.script(
            .content(Self.rubric(view: "front")),  // avatar
            .content("Sure! Here is my assessment: {\"image_ok\": true}"),  // front: prose, not the rubric
            .status(500, body: #"{"error": {"message": "overloaded"}}"#))  // back: the judge fails
        let rig = try await QARig.run(
            "qa-judge", stages: #"["avatar", "front", "back"]"#,
            answers: [try QAImages.photo("obama3.jpg"), try QAImages.photo("obama2.jpg"), try QAImages.noFace(seed: 3)],
            qa: #"judge = "analyzer""# + "\njudge_price_per_call_usd = 0.001",
            tables: """
                [analyzer]
                base_url = "\(analyzer.baseURL)"
                model = "vision-judge-1"
                api_key_file = "analyzer.key"
                """, keys: ["analyzer.key": analyzer.key])
        await analyzer.stop()
        #expect(rig.summary.kits[.complete] == 1, "\(rig.summary.kits)")
        #expect(analyzer.requests.count == 3)
        let first = try #require(analyzer.requests.first)
        #expect(first.images.count == 2 && first.model == "vision-judge-1")
        #expect(first.images.first?.bytes == (try? QAImages.sourceAsStored(rig)), "the avatar is judged against the source, first")
        let avatar = try #require(try rig.stage("obama", .avatar).qa)
        #expect(avatar.checks.last?.check == .judge && avatar.checks.last?.verdict == .pass, "\(avatar.checks.map(\.detail))")
        #expect(avatar.judge?.answer?.identityScore == 4 && avatar.judge?.costUSD == 0.001)
        let front = try #require(try rig.stage("obama", .front).qa)
        let frontJudge = try #require(front.checks.first { $0.check == .judge })
        #expect(frontJudge.verdict == .warn && frontJudge.detail.contains("broke the rubric"), "\(frontJudge.detail)")
        #expect(front.attempts == 1, "a judge that could not judge does not make the image again")
        let back = try #require(try rig.stage("obama", .back).qa)
        let backJudge = try #require(back.checks.first { $0.check == .judge })
        #expect(backJudge.verdict == .warn && backJudge.reason?.code == "judge_unavailable", "\(backJudge.detail)")
        let kit = try #require(try rig.daemon.database.kit("obama"))
        #expect(abs(try rig.daemon.database.qaSpend(kitID: kit.id) - 0.002) < 1e-9, "two answered calls were paid, the failed one not")
        let manifest = try await checkKitFolderExactly(try #require(kit.outboxDir))
        #expect(manifest["qa"]?["spend_usd"] == .number(0.002, isInteger: false))
    }

    /// Without the face models the daemon still makes kits: the face and identity checks say
    /// `skipped` with why, the other checks run.
    @Test func missingModelsSkipTheFaceChecksWithTheReason() async throws {
        let rig = try await QARig.run(
            "qa-nomodels", stages: #"["avatar", "front"]"#,
            answers: [try QAImages.photo("obama3.jpg"), try QAImages.photo("biden.jpg")], modelsDirectory: "/nonexistent/refkit-models")
        #expect(rig.summary.kits[.complete] == 1, "\(rig.summary.kits)")
        let front = try #require(try rig.stage("obama", .front).qa)
        let identity = try #require(front.checks.first { $0.check == .identity })
        #expect(identity.verdict == .skipped && identity.detail.contains("face models cannot be loaded"), "\(identity.detail)")
        #expect(front.checks.first { $0.check == .health }?.verdict == .pass)
    }

    /// A drawn character (the preview provider over a drawn source) has no photographic face:
    /// identity is `skipped` with the reason, never `pass`.
    @Test func aStylisedKitGetsIdentitySkipped() async throws {
        let models = try QAFixtures.requireModelsDirectory()
        let dir = try TemporaryDirectory("qa-stylised")
        let inbox = try dir.folder("inbox")
        let text = lifecycleConfig(#"stages = ["avatar", "front", "side", "back"]"#) + "\n[qa]\nmodels_dir = \"\(models)\"\n"
        let daemon = try Daemon.build(configuration: try loadConfiguration(text, in: dir), logger: quietLogger)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 12, width: 300, height: 400), to: "\(inbox)/ink.jpg")
        let summary = try await daemon.run(.once)
        #expect(summary.kits[.complete] == 1, "\(summary.kits)")
        let kit = try #require(try daemon.database.kit("ink"))
        for stage in try daemon.database.stages(kitID: kit.id) {
            let qa = try #require(stage.qa, "\(stage.stage) was checked")
            let identity = try #require(qa.checks.first { $0.check == .identity })
            #expect(identity.verdict == .skipped, "\(stage.stage): \(identity.detail)")
            #expect(qa.verdict == .pass, "\(stage.stage): \(qa.checks.map(\.detail))")
        }
    }

    /// `refkit qa` checks a finished kit again with today's thresholds, without making an image:
    /// a front that failed identity passes under a looser edge, and the kit is published complete.
    @Test func refkitQAChecksAgainAndTheKitIsPublishedWithTheNewVerdicts() async throws {
        // The first daemon is let go before the second starts (it holds the state directory's lock).
        func firstRun() async throws -> TemporaryDirectory {
            let rig = try await QARig.run(
                "qa-recheck", stages: #"["avatar", "front"]"#,
                answers: [try QAImages.photo("obama3.jpg"), try QAImages.photo("biden.jpg")],
                qa: "max_regenerations = 0")
            #expect(rig.summary.kits[.partial] == 1, "\(rig.summary.kits)")
            return rig.dir
        }
        let dir = try await firstRun()
        let config = dir.url("refkit.toml")
        let text = String(decoding: FileFixtures.read(config) ?? [], as: UTF8.self)
        let loose = text.replacingOccurrences(
            of: "max_regenerations = 0", with: "max_regenerations = 0\n[qa.thresholds]\nidentity_pass = 1.5\nidentity_fail = 1.6")
        try FileFixtures.write(loose, to: config)
        let result = try await refkitCLI(["qa", "obama"], config: config)
        #expect(result.status == 0, "\(result.output)")
        // biden's face is far from obama's, but under the loose edge; it is a little turned (warn).
        #expect(result.output.contains("fail -> warn") && result.output.contains("0 failed"), "\(result.output)")
        let again = try Daemon.build(configuration: try loadConfiguration(loose, in: dir), logger: quietLogger)
        #expect(try again.database.kit("obama")?.status == .queued, "the kit goes back to be published")
        let summary = try await again.run(.once)
        #expect(summary.kits[.complete] == 1, "\(summary.kits)")
        let kit = try #require(try again.database.kit("obama"))
        let manifest = try await checkKitFolderExactly(try #require(kit.outboxDir))
        #expect(manifest["status"] == .string("complete"))
        let front = try #require(try again.database.stages(kitID: kit.id).first { $0.stage == .front })
        #expect(front.qa?.verdict == .warn && front.qa?.attempts == 1, "no image was made again")
        let unknown = try await refkitCLI(["qa", "nobody"], config: config)
        #expect(unknown.status == 1 && unknown.output.contains("kit_unknown"), "\(unknown.output)")
    }
}
