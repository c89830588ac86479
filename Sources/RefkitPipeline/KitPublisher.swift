import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitDigest
import RefkitPublish
import RefkitQA
import RefkitStore

/// Decides a finished kit's status and publishes it to the outbox: `source.jpg`, every made
/// reference, `sheet.png`, `index.html`, and `manifest.json` last.
struct KitPublisher: Sendable {
    let configuration: Configuration
    let database: RefkitDatabase
    let work: WorkFiles
    let logger: Logger

    /// Publishes the kit and records its final status; nil when it could not be published.
    func finish(kitID: String) async -> KitStatus? {
        do {
            // A kit already finished is not published again (two stages ending together both ask).
            guard let kit = try database.kit(kitID), !kit.status.isFinished else { return nil }
            let fingerprint = try database.stagesFingerprint(kitID: kitID)
            let stages = try database.stages(kitID: kitID)
            let outcome = KitOutcome(
                stages: stages.map {
                    KitOutcome.StageEnd(
                        $0.stage, $0.status, errorCode: $0.errorCode, errorMessage: $0.errorMessage, qaFailed: $0.qa?.verdict == .fail)
                },
                textOnly: kit.textOnly, minShare: configuration.outputs.textPlanMinShare)
            let folder = try publish(kit: kit, stages: stages, status: outcome.status)
            let recorded = try database.finishKit(
                id: kitID, status: outcome.status, outboxDir: folder, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage,
                stagesFingerprint: fingerprint)
            guard recorded else {
                logger.info("kit changed while it was published; it goes on", metadata: ["kit.id": "\(kitID)"])
                return nil
            }
            refreshOutboxIndex(watch: kit.watch)
            logger.info(
                "kit finished",
                metadata: [
                    "kit": "\(kit.name)", "kit.id": "\(kitID)", "status": "\(outcome.status.rawValue)",
                    "references": "\(outcome.referencesDone)/\(outcome.referencesPlanned)", "outbox": "\(folder)",
                ])
            return outcome.status
        } catch  where Self.publishWaits(after: error) {
            // A full or unwritable outbox (or state directory) is waited out, not failed: every
            // stage is done and paid for. The kit stays unfinished and the daemon publishes it
            // again on a timer and at start-up (Daemon.publishWaitingKits).
            waitToPublish(kitID: kitID, error: error)
            return nil
        } catch {
            logger.error("cannot publish a kit", metadata: ["kit.id": "\(kitID)", "error": "\(error)"])
            _ = try? database.finishKit(
                id: kitID, status: .failed, outboxDir: nil, errorCode: (error as? RefkitError)?.code.rawValue ?? "publish_failed",
                errorMessage: "\(error)")
            return .failed
        }
    }

    /// Publishes a kit that waits for a person to choose its avatar: the candidates, the
    /// gallery asking for a choice, and the manifest with `awaiting_selection`.
    func publishAwaiting(kitID: String) {
        do {
            guard let kit = try database.kit(kitID) else { return }
            let folder = try publish(kit: kit, stages: try database.stages(kitID: kitID), status: .awaitingSelection)
            try database.setOutboxDir(kitID: kitID, dir: folder)
            refreshOutboxIndex(watch: kit.watch)
            logger.notice(
                "kit awaits an avatar choice",
                metadata: [
                    "kit": "\(kit.name)", "kit.id": "\(kitID)", "outbox": "\(folder)",
                    "how": "\(ShellWord.command(["refkit", "select", kit.name])) N",
                ])
        } catch {
            logger.error("cannot publish a kit awaiting selection", metadata: ["kit.id": "\(kitID)", "error": "\(error)"])
        }
    }

    func publish(kit: KitRecord, stages: [StageRecord], status: KitStatus) throws -> String {
        guard let watch = configuration.watch(named: kit.watch) else {
            throw RefkitError(.watchMissing, "the kit's watch is no longer configured", detail: kit.watch)
        }
        let outbox = (watch.outbox as NSString).standardizingPath
        let folderName =
            try kit.outboxDir.map { ($0 as NSString).lastPathComponent } ?? freeFolder(outbox: outbox, slug: kit.slug, kitID: kit.id)
        var files: [KitFile] = []
        var manifestSource: ManifestSource?
        // All the kit's orders folded as the stages were made from them (a follow-up or a face
        // swap order does not erase the character or provenance the first order gave).
        let order = try database.kitOrder(kitID: kit.id)
        let character = ManifestCharacter(
            given: order.character ?? Order.Character(), analysis: kit.analysis.flatMap { try? JSONValue.parse($0) })
        if let sourceID = kit.sourceID, let record = try database.source(id: sourceID) {
            let bytes = try work.normalisedSource(
                kitID: kit.id, originalPath: record.storedPath, maxLongSide: configuration.outputs.sourceLongSide)
            files.append(KitFile(relativePath: "source.jpg", contents: bytes))
            manifestSource = ManifestSource(
                originalName: record.originalName, file: "source.jpg", sha256: SHA256Digest.hex(of: bytes), mime: "image/jpeg",
                width: record.width, height: record.height, provenance: order.source)
        }
        let sources = try publishedSources(kit: kit)
        files += sources.files
        let records = try database.stageHistory(kitID: kit.id)
        let history = Dictionary(grouping: records, by: \.stage)
        func published(_ stage: Stage, work: String, suffix: String = "") -> String {
            stage.publishedFileName(workFile: work, suffix: suffix)
        }
        var entries: [KitReport.StageEntry] = []
        for s in stages {
            let stage = s.stage
            var entry = KitReport.StageEntry(
                stage: stage, status: s.status, attempts: s.attempts, durationMs: s.durationMs, costUSD: s.costUSD)
            // A regenerated stage keeps the last result it replaced as NAME.prev.EXT, listed as
            // `previous` (also when the new attempt failed or is still to be made).
            if s.generation > 0, let last = history[s.stage]?.last(where: { $0.status == .done && $0.file != nil }),
                let lastWork = last.file, s.status != .done || lastWork != s.file
            {
                // From the work file, or (once the janitor pruned it) the copy already published.
                let prevName = published(stage, work: lastWork, suffix: ".prev")
                let found = [
                    try? self.work.read(lastWork),
                    kit.outboxDir.flatMap { FileManager.default.contents(atPath: "\($0)/\(prevName)") }.map { [UInt8]($0) },
                ]
                // Before the new file: on a pruned kit the old result's only copy may be the
                // published NAME.png the new file replaces.
                if let bytes = found.compactMap({ $0 }).first(where: { SHA256Digest.hex(of: $0) == last.sha256 }),
                    !files.contains(where: { $0.relativePath == prevName })
                {
                    files.append(KitFile(relativePath: prevName, contents: bytes))
                    entry.previousFile = prevName
                    entry.previousSHA256 = last.sha256
                }
            }
            if s.status == .done, let work = s.file {
                let name = published(stage, work: work)
                files.append(KitFile(relativePath: name, contents: try self.work.read(work)))
                entry.file = name
            }
            (entry.sha256, entry.mime, entry.width, entry.height) = (s.sha256, s.format?.mime, s.width, s.height)
            (entry.provider, entry.model, entry.prompt, entry.seed) = (s.provider, s.model, s.prompt, s.seed)
            entry.inputs = s.inputs.flatMap { try? JSONValue.parse(Array($0.utf8)) }
            entry.negativePrompt = s.negativePrompt
            (entry.errorCode, entry.errorMessage) = (s.errorCode, s.errorMessage)
            entry.referenceGeneration = s.referenceGeneration
            entry.madeFromEarlierReference = s.madeFromEarlierReference(kitGeneration: kit.referenceGeneration)
            entry.qa = s.status == .done ? s.qa?.note : nil
            entries.append(entry)
        }
        var report = KitReport(
            id: kit.id, name: kit.name, createdAt: kit.createdAt, referenceGeneration: kit.referenceGeneration, lockedHow: kit.lockedHow,
            stages: entries,
            history: records.map { h in
                var earlier = KitReport.EarlierResult(
                    stage: h.stage, generation: h.generation, status: h.status, attempts: h.attempts, costUSD: h.costUSD,
                    endedAt: h.endedAt, replacedAt: h.replacedAt)
                (earlier.sha256, earlier.provider, earlier.model) = (h.sha256, h.provider, h.model)
                (earlier.seed, earlier.errorCode) = (h.seed, h.errorCode)
                return earlier
            })
        report.qa = try qaSummary(kitID: kit.id, stages: stages)
        var manifest = ManifestDocument.make(
            report: report, status: status, character: character, source: manifestSource, updatedAt: Timestamp.string(),
            refkitVersion: RefkitBuild.version)
        manifest.noteImageRequests(order.images)
        manifest.contentRating = kit.contentRating ?? ContentRating.of(analysis: StageRunner.storedAnalysis(kit), source: order.source)
        manifest.sources = sources.entries
        return try OutboxPublisher(outbox: outbox).publish(folder: folderName, files: files, manifest: manifest)
    }

    /// `slug`, or `slug-2`, … when a folder of that name holds another kit.
    func freeFolder(outbox: String, slug: String, kitID: String) throws -> String {
        var candidate = slug
        var n = 2
        while true {
            let dir = "\(outbox)/\(candidate)"
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) { break }
            if let data = FileManager.default.contents(atPath: "\(dir)/manifest.json"),
                let json = try? JSONValue.parse([UInt8](data)), json["id"] == .string(kitID)
            {
                break
            }
            candidate = "\(slug)-\(n)"
            n += 1
        }
        try database.setOutboxDir(kitID: kitID, dir: "\(outbox)/\(candidate)")
        return candidate
    }
}

/// Build facts shown in manifests and `--version`.
public enum RefkitBuild {
    public static let version = "0.1.0"
}
