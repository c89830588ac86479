import Foundation
import RefkitCore
import RefkitDaemon
import RefkitImaging
import RefkitQA
import RefkitStore
import RefkitTestSupport
import Testing

/// What users see of QA from the command line, through the real `refkit` binary against a real
/// daemon's state: `refkit show` has a QA column and the reasons of every warned or failed
/// reference, `refkit kits --needs-review` lists only kits with a failed reference, and both
/// `--json` outputs carry the `qa` objects the manifest has.
@Suite("QA in refkit show and refkit kits", .timeLimit(.minutes(3)))
struct ReviewCLITests {
    static let identityFail = QACheckResult(
        check: .identity, verdict: .fail, score: 0.71, threshold: 0.6, detail: "distance 0.71 > 0.60: another person",
        reason: .identityDistance)
    static let judgeWarn = QACheckResult.judgeUnavailable("timed out after 30 s")
    static let healthPass = QACheckResult(check: .health, verdict: .pass, score: 41, threshold: 6, detail: "deviation 41")

    /// Gives `stage` of `kitID` the QA record `qa`, as the pipeline (or `refkit qa`) stores it.
    static func record(_ database: RefkitDatabase, kitID: String, _ stage: Stage, _ qa: QAStageRecord) throws {
        let id = try #require(try database.stages(kitID: kitID).first { $0.stage == stage }?.id, "\(stage.name) of \(kitID)")
        #expect(try database.setStageQA(stageID: id, qa: qa))
    }

    @Test("show marks each stage's verdict and lists the reasons; kits --needs-review lists only kits with a failed reference")
    func showAndNeedsReview() async throws {
        let rig = try await CompleteKitRig.start("qa-view", stages: "turnaround", kit: "nora", seed: 61)
        let config = rig.dir.url("refkit.toml")
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 62, width: 96, height: 128), to: "\(rig.inbox)/olaf.jpg")
        try await eventually("olaf is complete") { try rig.daemon.database.kit("olaf")?.status == .complete }
        let olaf = try #require(try rig.daemon.database.kit("olaf"))
        let database = rig.daemon.database

        try Self.record(database, kitID: rig.kit.id, .side, QAStageRecord(verdict: .fail, attempts: 3, checks: [Self.identityFail]))
        try Self.record(database, kitID: rig.kit.id, .front, QAStageRecord(verdict: .warn, attempts: 1, checks: [Self.judgeWarn]))
        try Self.record(database, kitID: rig.kit.id, .back, QAStageRecord(verdict: .pass, attempts: 2, checks: [Self.healthPass]))
        try Self.record(database, kitID: olaf.id, .side, QAStageRecord(verdict: .pass, attempts: 1, checks: [Self.healthPass]))

        let show = try await refkitCLI(["show", "nora"], config: config)
        #expect(show.status == 0, "\(show.output)")
        let line = { (name: String) in show.output.split(separator: "\n").first { $0.hasPrefix("  \(name) ") }.map(String.init) ?? "" }
        #expect(line("side").contains("qa fail x3"), "\(show.output)")
        #expect(line("front").contains("qa warn "), "\(show.output)")
        #expect(line("back").contains("qa pass x2"), "\(show.output)")
        #expect(line("avatar").contains("qa -"), "an unchecked stage says -: \(show.output)")
        #expect(show.output.contains("qa:       1 pass, 1 warn, 1 fail, 0 skipped; 3 regenerations"), "\(show.output)")
        #expect(show.output.contains("  side: fail: identity fail: distance 0.71 > 0.60: another person; 3 attempts"), "\(show.output)")
        #expect(show.output.contains("  front: warn: judge warn: the judge gave no usable answer: timed out after 30 s"), "\(show.output)")
        #expect(!show.output.contains("  back: pass"), "a passed reference has no reason line: \(show.output)")
        #expect(show.output.contains("1 reference(s) failed QA") && show.output.contains("refkit regenerate nora side"), "\(show.output)")
        let quiet = try await refkitCLI(["show", "olaf"], config: config)
        #expect(!quiet.output.contains("qa reasons:") && !quiet.output.contains("failed QA"), "\(quiet.output)")

        let shown = try JSONValue.parse(Array(try await refkitCLI(["show", "nora", "--json"], config: config).output.utf8))
        let side = shown["stages"]?.arrayValue?.first { $0["stage"] == .string("side") }
        #expect(side?["qa"]?["verdict"] == .string("fail") && side?["qa"]?["attempts"] == .number(3, isInteger: true))
        #expect(side?["qa"]?["checks"]?.arrayValue?.first?["reason"] == .string("identity_distance"))
        #expect(shown["stages"]?.arrayValue?.first { $0["stage"] == .string("avatar") }?["qa"] == .null)
        #expect(shown["qa"]?["counts"]?["fail"] == .number(1, isInteger: true))
        #expect(shown["qa"]?["regenerations"] == .number(3, isInteger: true))
        #expect(shown["qa"]?["identity_mode"] == .string("photoreal"), "an identity check was measured")

        let review = try await refkitCLI(["kits", "--needs-review"], config: config)
        #expect(review.status == 0, "\(review.output)")
        let rows = review.output.split(separator: "\n").dropFirst()
        #expect(rows.count == 1 && rows.first?.hasPrefix("nora ") == true, "\(review.output)")
        #expect(rows.first?.hasSuffix("  side") == true, "the failed stages are named: \(review.output)")
        let header = try #require(review.output.split(separator: "\n").first)
        let column = try #require(header.range(of: "FAILED QA")).lowerBound.utf16Offset(in: header)
        #expect(rows.first.map { Array($0.utf16).count } == column + "side".count, "the stages line up under FAILED QA: \(review.output)")
        let all = try await refkitCLI(["kits"], config: config)
        #expect(all.output.contains("nora") && all.output.contains("olaf"), "\(all.output)")
        let reviewJSON = try JSONValue.parse(Array(try await refkitCLI(["kits", "--needs-review", "--json"], config: config).output.utf8))
        #expect(reviewJSON.arrayValue?.map { $0["kit"] } == [.string("nora")])
        #expect(reviewJSON.arrayValue?.first?["qa"]?["counts"]?["warn"] == .number(1, isInteger: true))
        let narrowed = try await refkitCLI(["kits", "--needs-review", "--status", "failed"], config: config)
        #expect(narrowed.output.split(separator: "\n").count == 1, "--status narrows the review list: \(narrowed.output)")
        let help = try await refkitCLI(["kits", "--help"], config: config)
        #expect(
            help.output.contains("--needs-review") && help.output.contains("--needs-review lists only the kits with a reference"),
            "\(help.output)")
        try await rig.running.stop()
    }

    @Test("with QA on, the preview provider's kit shows its verdicts in show, kits --json, the gallery and the sheet")
    func qaOnThroughThePreviewProvider() async throws {
        let dir = try TemporaryDirectory("qa-view-on")
        let inbox = try dir.folder("inbox")
        let config = dir.url("refkit.toml")
        // lifecycleConfig's "fake" is the real preview provider when no in-process one replaces it.
        let models = try QAFixtures.requireModelsDirectory()
        let text = lifecycleConfig(#"stages = "turnaround""#) + "\n[qa]\nmodels_dir = \"\(models)\"\n"
        try FileFixtures.write(text, to: config)
        let daemon = try Daemon.build(configuration: try loadConfiguration(text, in: dir), logger: quietLogger)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 63, width: 300, height: 400), to: "\(inbox)/pia.jpg")
        let summary = try await daemon.run(.once)
        #expect(summary.kits[.complete] == 1, "\(summary.kits)")
        let kit = try #require(try daemon.database.kit("pia"))
        let stages = try daemon.database.stages(kitID: kit.id)
        let checked = stages.filter { $0.qa != nil }
        #expect(!checked.isEmpty, "QA checked the references: \(stages.map { "\($0.stage.name)=\($0.qa?.verdict.rawValue ?? "-")" })")

        let show = try await refkitCLI(["show", "pia"], config: config)
        for stage in checked {
            let row = show.output.split(separator: "\n").first { $0.hasPrefix("  \(stage.stage.name) ") } ?? ""
            let qa = try #require(stage.qa)
            let column = "qa \(qa.verdict.rawValue)" + (qa.attempts > 1 ? " x\(qa.attempts)" : "") + " "
            #expect(row.contains(column), "\(stage.stage.name): \(show.output)")
        }
        #expect(show.output.contains("qa:       "), "\(show.output)")
        let listed = try JSONValue.parse(Array(try await refkitCLI(["kits", "--json"], config: config).output.utf8))
        #expect(listed.arrayValue?.first?["qa"]?["counts"] != nil, "\(listed)")

        let folder = try #require(kit.outboxDir)
        let html = String(decoding: FileFixtures.read("\(folder)/index.html") ?? [], as: UTF8.self)
        #expect(html.contains("<p class=\"qa-summary\">Quality checks: "))
        for stage in checked {
            let verdict = try #require(stage.qa?.verdict)
            #expect(html.contains(">QA \(verdict.rawValue)</span>"), "\(stage.stage.name) is marked \(verdict)")
        }
        let manifest = try #require(manifestJSON(folder))
        let tiles = try #require(manifest["stages"]?.arrayValue)
        let pixels = try ImageOps.rgbPixels(try #require(FileFixtures.read("\(folder)/sheet.png")))
        // The sheet's layout, rebuilt from what the manifest lists (the title's words do not move anything).
        let references = try tiles.map { tile -> StudioSheetContent.Reference in
            guard case .string(let name)? = tile["stage"], let stage = Stage(name: name) else { throw SheetTestError.badStage }
            let verdict = tile["qa"]?["verdict"].flatMap { if case .string(let v) = $0 { QAVerdict(rawValue: v) } else { nil } }
            guard case .string(let file)? = tile["file"] else { return .init(stage: stage, image: nil) }
            return .init(stage: stage, image: FileFixtures.read("\(folder)/\(file)"), verdict: verdict)
        }
        let source: [UInt8]? = manifest["source"]?["file"].flatMap {
            if case .string(let f) = $0 { FileFixtures.read("\(folder)/\(f)") } else { nil }
        }
        let layout = try ImageOps.studioSheetLayout(StudioSheetContent(title: "", details: "", source: source, references: references))
        #expect(layout.width == pixels.width && layout.height == pixels.height)
        for cell in layout.cells {
            guard let box = cell.badge, let badge = cell.verdict.flatMap(ContactSheetBadge.init) else { continue }
            let start = (box.y + 1) * pixels.rowStride + (box.x + 1) * 3
            let seen = pixels.bytes[start..<start + 3].map(Double.init)
            #expect(seen == [badge.fill.red, badge.fill.green, badge.fill.blue], "\(cell.label) badge: \(seen)")
        }
        #expect(layout.cells.contains { $0.badge != nil }, "some reference on the sheet is marked")
    }
}

private enum SheetTestError: Error { case badStage }
