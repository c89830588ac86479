import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitPublish
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
                stages: stages.compactMap { s in
                    Stage(name: s.stage).map { KitOutcome.StageEnd($0, s.status, errorCode: s.errorCode, errorMessage: s.errorMessage) }
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
            logger.info(
                "kit finished",
                metadata: [
                    "kit": "\(kit.name)", "kit.id": "\(kitID)", "status": "\(outcome.status.rawValue)",
                    "references": "\(outcome.referencesDone)/\(outcome.referencesPlanned)", "outbox": "\(folder)",
                ])
            return outcome.status
        } catch where Self.publishWaits(after: error) {
            // A full or unwritable outbox (or state directory) is waited out, not failed: every
            // stage is done and paid for. The kit stays unfinished and the daemon publishes it
            // again on a timer and at start-up (Daemon.publishWaitingKits).
            waitToPublish(kitID: kitID, error: error)
            return nil
        } catch {
            logger.error("cannot publish a kit", metadata: ["kit.id": "\(kitID)", "error": "\(error)"])
            _ = try? database.finishKit(
                id: kitID, status: .failed, outboxDir: nil, errorCode: (error as? RefkitError)?.code ?? "publish_failed",
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
            logger.notice(
                "kit awaits an avatar choice",
                metadata: ["kit": "\(kit.name)", "kit.id": "\(kitID)", "outbox": "\(folder)",
                    "how": "\(ShellWord.command(["refkit", "select", kit.name])) N"])
        } catch {
            logger.error("cannot publish a kit awaiting selection", metadata: ["kit.id": "\(kitID)", "error": "\(error)"])
        }
    }

    func publish(kit: KitRecord, stages: [StageRecord], status: KitStatus) throws -> String {
        guard let watch = configuration.watch(named: kit.watch) else {
            throw RefkitError("watch_missing", "the kit's watch is no longer configured", detail: kit.watch)
        }
        let outbox = (watch.outbox as NSString).standardizingPath
        let folderName =
            try kit.outboxDir.map { ($0 as NSString).lastPathComponent } ?? freeFolder(outbox: outbox, slug: kit.slug, kitID: kit.id)
        var files: [KitFile] = []
        var manifestSource: ManifestSource?
        let provenance: JSONValue?
        let character: ManifestCharacter
        // All the kit's orders folded as the stages were made from them (a follow-up or a face
        // swap order does not erase the character or provenance the first order gave).
        let order = try database.kitOrder(kitID: kit.id)
        provenance = order.source
        let given = order.character ?? Order.Character()
        let facts = kit.analysis.flatMap { try? JSONValue.parse($0) }.map { given.merging(analyzed: $0) } ?? given
        character = ManifestCharacter(
            name: facts.name, description: facts.description,
            attributes: facts.attributes.enumerated().map { i, attribute in
                ManifestAttribute(key: attribute.key, value: attribute.value, origin: i < given.attributes.count ? .given : .analyzed)
            })
        if let sourceID = kit.sourceID, let record = try database.source(id: sourceID) {
            let bytes = try work.normalisedSource(
                kitID: kit.id, originalPath: record.storedPath, maxLongSide: configuration.outputs.sourceLongSide)
            files.append(KitFile(relativePath: "source.jpg", contents: bytes))
            manifestSource = ManifestSource(
                originalName: record.originalName, file: "source.jpg", sha256: SHA256Digest.hex(of: bytes), mime: "image/jpeg",
                width: record.width, height: record.height, provenance: provenance)
        }
        var images: [ManifestImage] = []
        var candidates: [ManifestImage] = []
        let history = Dictionary(grouping: try database.stageHistory(kitID: kit.id), by: \.stage)
        func published(_ stage: Stage, work: String, suffix: String = "") -> String {
            let ext = (work as NSString).pathExtension
            return ((stage.fileName as NSString).deletingPathExtension as String) + suffix + "." + (ext.isEmpty ? "png" : ext)
        }
        for s in stages {
            var file: String?
            var previous: ManifestImage.Previous?
            // A regenerated stage keeps the last result it replaced as NAME.prev.EXT, listed as
            // `previous` (also when the new attempt failed or is still to be made).
            if s.generation > 0, let stage = Stage(name: s.stage),
                let last = history[s.stage]?.last(where: { $0.status == .done && $0.file != nil }), let lastWork = last.file,
                s.status != .done || lastWork != s.file
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
                    previous = ManifestImage.Previous(file: prevName, sha256: last.sha256)
                }
            }
            if s.status == .done, let work = s.file, let stage = Stage(name: s.stage) {
                let name = published(stage, work: work)
                files.append(KitFile(relativePath: name, contents: try self.work.read(work)))
                file = name
            }
            var image = ManifestImage(
                stage: s.stage, status: s.status, file: file, sha256: file == nil ? nil : s.sha256, mime: file == nil ? nil : s.mime,
                width: file == nil ? nil : s.width, height: file == nil ? nil : s.height, provider: s.provider, model: s.model,
                prompt: s.prompt,
                seed: s.seed, attempts: s.attempts, durationMs: s.durationMs, costUSD: s.costUSD,
                error: s.errorCode.map { ManifestImage.Failure(code: $0, message: s.errorMessage ?? "") })
            image.previous = previous
            image.referenceGeneration = s.referenceGeneration
            image.madeFromEarlierReference = s.madeFromEarlierReference(kitGeneration: kit.referenceGeneration)
            image.history = (history[s.stage] ?? []).map {
                ManifestImage.HistoryEntry(
                    generation: $0.generation, status: $0.status, sha256: $0.sha256, provider: $0.provider, model: $0.model, seed: $0.seed,
                    attempts: $0.attempts, costUSD: $0.costUSD,
                    error: $0.errorCode.map { code in ManifestImage.Failure(code: code, message: "") },
                    endedAt: $0.endedAt, replacedAt: $0.replacedAt)
            }
            if s.stage.hasPrefix("candidate:") { candidates.append(image) } else { images.append(image) }
        }
        let locked = images.first { $0.stage == Stage.avatar.name && $0.file != nil }.map {
            LockedReference(
                file: $0.file!, how: kit.lockedHow ?? "auto: the only avatar candidate", generation: max(kit.referenceGeneration, 1))
        }
        let historyCost = history.values.joined().reduce(0) { $0 + $1.costUSD }
        let totals = ManifestTotals(
            costUSD: (images + candidates).reduce(historyCost) { $0 + $1.costUSD },
            durationMs: (images + candidates).reduce(0) { $0 + $1.durationMs })
        var manifest = ManifestDocument(
            id: kit.id, kit: kit.name, status: status, createdAt: kit.createdAt, updatedAt: Timestamp.string(),
            refkitVersion: RefkitBuild.version,
            source: manifestSource, character: character, lockedReference: locked, stages: images, candidates: candidates, totals: totals)
        if let locked {
            manifest.conditioning = manifestSource == nil ? "locked reference \(locked.file)" : "source and locked reference \(locked.file)"
        } else if manifestSource != nil {
            manifest.conditioning = "source only: the kit has no locked avatar reference, so every stage is made from the source"
        } else {
            manifest.conditioning = "text only: no source image and no locked reference"
        }
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
