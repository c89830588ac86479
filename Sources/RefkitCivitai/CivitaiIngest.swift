import Foundation
import Logging
import RefkitCore
import RefkitIntake
import RefkitStore

/// What one run did.
public struct CivitaiRunReport: Sendable {
    public struct Written: Sendable, Equatable {
        public var imageID: Int64
        public var kit: String
        public var imageFile: String
        public var orderFile: String
        public var sha256: String
    }

    public var batchID: Int64
    public var pages = 0
    /// Items the API listed (duplicates within the run included).
    public var listed = 0
    /// Items skipped because an earlier run saw them.
    public var alreadySeen = 0
    /// Items listed twice in this run (Civitai's pages overlap when the feed moves).
    public var repeated = 0
    /// Items skipped before download, by reason (`rating`, `too_small`, `not_image`).
    public var skipped: [String: Int] = [:]
    /// Downloads whose bytes were already written under another id.
    public var duplicates = 0
    public var written: [Written] = []
    /// Images that failed, with the code.
    public var failed: [(imageID: Int64, code: CivitaiError.Code)] = []
    /// Why the listing stopped early (a page that could not be read), if it did.
    public var fetchError: CivitaiError?

    /// The run's outcome for a person.
    public var line: String {
        let skips = skipped.keys.sorted().map { "\($0) \(skipped[$0]!)" }.joined(separator: ", ")
        return "batch \(batchID): wrote \(written.count) images from \(pages) pages (\(listed) listed, \(alreadySeen) seen before, "
            + "\(duplicates) duplicate, \(failed.count) failed\(skips.isEmpty ? "" : ", skipped: \(skips)"))"
            + (fetchError.map { "; listing stopped: \($0.code)" } ?? "")
    }
}

/// One `refkit civitai` run: list images page by page, skip what was seen or does not pass the
/// filter, download the rest with the size cap, re-check each with libmagic and a full decode,
/// and write it into the inbox with its sidecar order (order first, both by temp name and
/// rename), recording it in the seen-set, until `limit` new images are written.
public struct CivitaiIngest {
    let client: CivitaiClient
    let database: RefkitDatabase
    let settings: CivitaiSettings
    let inbox: String
    let stateDirectory: String
    let logger: Logger

    public init(
        client: CivitaiClient, database: RefkitDatabase, settings: CivitaiSettings, inbox: String, stateDirectory: String, logger: Logger
    ) {
        self.client = client
        self.database = database
        self.settings = settings
        self.inbox = inbox
        self.stateDirectory = stateDirectory
        self.logger = logger
    }

    public func run() async throws -> CivitaiRunReport {
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        // Last night's batch may have ended since the daemon last looked.
        BatchSummaries.completeFinishedBatches(database: database, stateDirectory: stateDirectory, logger: logger)
        let inspector = try Inspector(
            limits: IntakeLimits(maxSourceBytes: settings.maxImageBytes, maxSourcePixels: settings.maxImagePixels))
        let filter = CivitaiFilter(settings)
        let batchID = try database.startCivitaiBatch(inbox: inbox, requested: settings.limit)
        let startedAt = try database.civitaiBatch(id: batchID)?.startedAt ?? Timestamp.string()
        var report = CivitaiRunReport(batchID: batchID)
        logger.info(
            "civitai fetch started",
            metadata: ["civitai.batch": "\(batchID)", "civitai.limit": "\(settings.limit)", "civitai.inbox": "\(inbox)"])

        var cursor: String?
        var listedThisRun = Set<Int64>()
        listing: while report.written.count < settings.limit, report.pages < settings.maxPages {
            let page: CivitaiPage
            do throws(CivitaiError) {
                page = try await client.page(cursor: cursor)
            } catch {
                logger.error(
                    "civitai listing failed",
                    metadata: ["civitai.batch": "\(batchID)", "civitai.code": "\(error.code)", "civitai.error": "\(error.message)"])
                report.fetchError = error
                break
            }
            report.pages += 1
            report.listed += page.items.count
            let seen = try database.civitaiSeen(imageIDs: page.items.map(\.id))
            for image in page.items {
                if report.written.count >= settings.limit { break listing }
                guard listedThisRun.insert(image.id).inserted else {
                    report.repeated += 1
                    continue
                }
                if seen.contains(image.id) {
                    report.alreadySeen += 1
                    continue
                }
                if let reason = filter.skipReason(image) {
                    report.skipped[reason, default: 0] += 1
                    continue
                }
                try await take(image, batchID: batchID, inspector: inspector, report: &report)
            }
            guard let next = page.nextCursor, next != cursor else { break }
            cursor = next
        }
        let empty = BatchSummary.empty(batchID: batchID, inbox: inbox, requested: settings.limit, startedAt: startedAt)
        try database.finishCivitaiFetch(batchID: batchID, emptySummary: empty.json.serialized)
        logger.notice(
            "civitai fetch finished",
            metadata: [
                "civitai.batch": "\(batchID)", "civitai.written": "\(report.written.count)", "civitai.pages": "\(report.pages)",
                "civitai.seen": "\(report.alreadySeen)", "civitai.failed": "\(report.failed.count)",
                "civitai.duplicates": "\(report.duplicates)",
            ])
        return report
    }

    /// Downloads, checks and writes one image. Image failures are recorded, not thrown; only
    /// failures to write into the inbox or the database end the run.
    func take(_ image: CivitaiImage, batchID: Int64, inspector: Inspector, report: inout CivitaiRunReport) async throws {
        let metadata: Logger.Metadata = ["civitai.batch": "\(batchID)", "civitai.image": "\(image.id)"]
        let bytes: [UInt8]
        let facts: SourceFacts
        do throws(CivitaiError) {
            bytes = try await client.download(image.url)
            facts = try check(bytes, inspector: inspector)
        } catch {
            logger.warning(
                "civitai image not taken",
                metadata: metadata.merging(["civitai.code": "\(error.code)", "civitai.error": "\(error.message)"]) { $1 })
            report.failed.append((image.id, error.code))
            if error.isPermanent {
                try database.recordCivitaiSeen(
                    imageID: image.id, sha256: nil, outcome: .rejected, code: error.code.rawValue, batchID: batchID)
            }
            return
        }
        if let earlier = try database.civitaiImage(sha256: facts.sha256) {
            logger.info("civitai image is a duplicate", metadata: metadata.merging(["civitai.same_as": "\(earlier)"]) { $1 })
            report.duplicates += 1
            try database.recordCivitaiSeen(imageID: image.id, sha256: facts.sha256, outcome: .duplicate, code: nil, batchID: batchID)
            return
        }
        let kit = CivitaiOrder.kitName(image.id)
        let ext = ImageFormat(mime: facts.mime)?.fileExtension ?? "img"
        let orderFile = "\(kit).json"
        let imageFile = "\(kit).\(ext)"
        // The order first: an image that arrives alone would be taken with the watch's default order.
        try FileSystem.writeAtomically(
            try CivitaiOrder.bytes(for: image, baseURL: settings.baseURL), to: "\(inbox)/\(orderFile)", mode: 0o640,
            unwritableCode: .civitaiUnwritable)
        try FileSystem.writeAtomically(bytes, to: "\(inbox)/\(imageFile)", mode: 0o640, unwritableCode: .civitaiUnwritable)
        try database.recordCivitaiWritten(batchID: batchID, imageID: image.id, sha256: facts.sha256, kit: kit, fileName: imageFile)
        report.written.append(.init(imageID: image.id, kit: kit, imageFile: imageFile, orderFile: orderFile, sha256: facts.sha256))
        logger.info(
            "civitai image written",
            metadata: metadata.merging([
                "civitai.file": "\(imageFile)", "civitai.bytes": "\(bytes.count)", "civitai.size": "\(facts.width)x\(facts.height)",
            ]) { $1 })
    }

    /// libmagic on the bytes (what the CDN says the type is does not count), the pixel limit, a
    /// full decode, and the minimum size on the real pixels.
    func check(_ bytes: [UInt8], inspector: Inspector) throws(CivitaiError) -> SourceFacts {
        switch inspector.inspectImage(bytes) {
        case .image(let facts, _):
            guard facts.width >= settings.minWidth, facts.height >= settings.minHeight else {
                throw CivitaiError(
                    .imageTooSmall, "the image is smaller than min_width x min_height",
                    detail: "\(facts.width)x\(facts.height) < \(settings.minWidth)x\(settings.minHeight)")
            }
            return facts
        case .rejected(let error):
            throw CivitaiError(.notImage, "the download is not a usable image", detail: "\(error.code): \(error.message)")
        case .order, .changed:
            throw CivitaiError(.notImage, "the download is not a usable image")
        }
    }
}
