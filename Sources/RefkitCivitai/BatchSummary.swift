import Foundation
import RefkitCore
import RefkitQA
import RefkitStore

/// What became of one night's batch: the counts the seed design logs (total, with all
/// references, avatar only, failed), references made, spend and wall time.
///
/// Every written image is exactly one of `complete` (avatar and every reference), `partial`
/// (avatar and some references), `avatarOnly` (the avatar, no reference) or `failed` (no
/// avatar: the kit failed, the daemon rejected the file, or it never became a kit before the
/// batch was given up).
public struct BatchSummary: Sendable, Equatable {
    public struct Kit: Sendable, Equatable {
        public var imageID: Int64
        public var kit: String
        public var kitID: String?
        /// `complete`, `partial`, `avatar_only`, `failed`.
        public var outcome: String
        public var references: Int
        public var costUSD: Double
        /// Why it failed (a kit's status, an intake rejection code, or `not_ingested`).
        public var reason: String?
        /// The worst QA verdict of its references; nil when none was checked.
        public var qaVerdict: QAVerdict?
        /// The kit's content rating; nil when nothing said (or no kit was made).
        public var contentRating: ContentRating? = nil
    }

    public static let schema = "refkit.civitai-batch/1"

    public var batchID: Int64
    public var inbox: String
    public var requested: Int
    public var startedAt: String
    public var fetchedAt: String?
    public var finishedAt: String
    public var total: Int
    public var complete: Int
    public var partial: Int
    public var avatarOnly: Int
    public var failed: Int
    /// Images the daemon rejected or never took in (counted in `failed` too).
    public var notIngested: Int
    /// Done stages other than the avatar.
    public var referencesMade: Int
    public var spendUSD: Double
    /// From the start of the fetch to the end of the last kit.
    public var wallTimeSeconds: Double
    /// References per QA verdict and the regenerations QA asked for, over the batch's kits; nil
    /// when no reference was checked (QA off). Read from the stages' stored QA records, which
    /// say the same as the pipeline's `stageChecked` events and survive a daemon restart.
    public var qa: BatchQA?
    /// Kits per content rating (every level present, zeros included) and kits without one.
    public var ratings: [ContentRating: Int] = Dictionary(uniqueKeysWithValues: ContentRating.allCases.map { ($0, 0) })
    public var unrated = 0
    /// True when the batch was given up with kits still unfinished.
    public var abandoned: Bool
    public var kits: [Kit]

    /// The summary of a batch whose images have all ended (a finished kit or a rejected file),
    /// or, once `abandonAfter` has passed since the fetch, whatever state they are in; nil while
    /// kits are still on their way.
    public static func make(
        batch: CivitaiBatchRecord, images: [CivitaiBatchImage], now: Date = Date(), abandonAfter: Duration = .seconds(86_400)
    ) -> BatchSummary? {
        guard let fetchedAt = batch.fetchedAt else { return nil }
        let ended = images.allSatisfy { $0.kitStatus.map(\.isFinal) ?? ($0.rejectionCode != nil) }
        let abandoned =
            !ended && (Timestamp.date(fetchedAt).map { now.timeIntervalSince($0) >= Double(abandonAfter.components.seconds) } ?? false)
        guard ended || abandoned else { return nil }

        var summary = BatchSummary(
            batchID: batch.id, inbox: batch.inbox, requested: batch.requested, startedAt: batch.startedAt, fetchedAt: fetchedAt,
            finishedAt: Timestamp.string(now), total: images.count, complete: 0, partial: 0, avatarOnly: 0, failed: 0, notIngested: 0,
            referencesMade: 0, spendUSD: 0, wallTimeSeconds: 0, abandoned: abandoned, kits: [])
        var lastEnd = fetchedAt
        var checked: [QAStageRecord] = []
        for image in images {
            let references = image.stages.count { $0.stage != .avatar && $0.status == .done }
            let cost = image.stages.reduce(0) { $0 + $1.costUSD }
            let avatarDone = image.stages.contains { $0.stage == .avatar && $0.status == .done }
            let others = image.stages.count { $0.stage != .avatar }
            var kit = Kit(
                imageID: image.imageID, kit: image.kit, kitID: image.kitID, outcome: "failed", references: references, costUSD: cost)
            let records = image.stages.filter { $0.status == .done && !$0.stage.isCandidate }.compactMap(\.qa)
            kit.qaVerdict = records.isEmpty ? nil : QAVerdict.worst(of: records.map(\.verdict))
            kit.contentRating = image.kitContentRating
            if let rating = image.kitContentRating { summary.ratings[rating, default: 0] += 1 } else { summary.unrated += 1 }
            checked += records
            if let status = image.kitStatus {
                if status.isFinal, let updated = image.kitUpdatedAt, updated > lastEnd { lastEnd = updated }
                if !status.isFinal {
                    kit.reason = "unfinished (\(status.rawValue))"
                } else if status == .failed || !avatarDone {
                    kit.reason = "kit \(status.rawValue)"
                } else if references == others {
                    kit.outcome = "complete"
                } else {
                    kit.outcome = references == 0 ? "avatar_only" : "partial"
                }
            } else {
                kit.reason = image.rejectionCode ?? "not_ingested"
                summary.notIngested += 1
            }
            switch kit.outcome {
            case "complete": summary.complete += 1
            case "partial": summary.partial += 1
            case "avatar_only": summary.avatarOnly += 1
            default: summary.failed += 1
            }
            summary.referencesMade += references
            summary.spendUSD += cost
            summary.kits.append(kit)
        }
        summary.qa = BatchQA(checked: checked)
        if abandoned { lastEnd = summary.finishedAt }
        if let start = Timestamp.date(batch.startedAt), let end = Timestamp.date(lastEnd) {
            summary.wallTimeSeconds = max(0, end.timeIntervalSince(start))
        }
        return summary
    }

    /// The summary of a batch that wrote nothing.
    public static func empty(batchID: Int64, inbox: String, requested: Int, startedAt: String, now: Date = Date()) -> BatchSummary {
        BatchSummary(
            batchID: batchID, inbox: inbox, requested: requested, startedAt: startedAt, fetchedAt: Timestamp.string(now),
            finishedAt: Timestamp.string(now), total: 0, complete: 0, partial: 0, avatarOnly: 0, failed: 0, notIngested: 0,
            referencesMade: 0,
            spendUSD: 0, wallTimeSeconds: Timestamp.date(startedAt).map { max(0, now.timeIntervalSince($0)) } ?? 0, abandoned: false,
            kits: [])
    }

    /// The document written to `STATE/civitai/batch-ID.json` and kept in the database.
    public var json: JSONValue {
        func number(_ d: Double) -> JSONValue { .number((d * 1_000_000).rounded() / 1_000_000, isInteger: false) }
        func int(_ i: Int) -> JSONValue { .number(Double(i), isInteger: true) }
        return .object([
            ("schema", .string(Self.schema)),
            ("batch", .number(Double(batchID), isInteger: true)),
            ("inbox", .string(inbox)),
            ("requested", int(requested)),
            ("started_at", .string(startedAt)),
            ("fetched_at", fetchedAt.map(JSONValue.string) ?? .null),
            ("finished_at", .string(finishedAt)),
            ("total", int(total)),
            ("complete", int(complete)),
            ("partial", int(partial)),
            ("avatar_only", int(avatarOnly)),
            ("failed", int(failed)),
            ("not_ingested", int(notIngested)),
            ("references_made", int(referencesMade)),
            ("spend_usd", number(spendUSD)),
            ("wall_time_s", number(wallTimeSeconds)),
            ("abandoned", .bool(abandoned)),
            ("qa", qa?.json ?? .null),
            ("ratings", ratingsJSON),
            (
                "kits",
                .array(
                    kits.map { kit in
                        .object([
                            ("image_id", .number(Double(kit.imageID), isInteger: true)), ("kit", .string(kit.kit)),
                            ("kit_id", kit.kitID.map(JSONValue.string) ?? .null), ("outcome", .string(kit.outcome)),
                            ("references", int(kit.references)), ("cost_usd", number(kit.costUSD)),
                            ("reason", kit.reason.map(JSONValue.string) ?? .null),
                            ("qa_verdict", kit.qaVerdict.map { .string($0.rawValue) } ?? .null),
                            ("content_rating", kit.contentRating.map { .string($0.name) } ?? .null),
                        ])
                    })
            ),
        ])
    }

    /// `{"None": n, "Soft": n, "Mature": n, "X": n, "unrated": n}`.
    var ratingsJSON: JSONValue {
        var members: [(key: String, value: JSONValue)] = ContentRating.allCases.map {
            ($0.name, .number(Double(ratings[$0] ?? 0), isInteger: true))
        }
        members.append(("unrated", .number(Double(unrated), isInteger: true)))
        return .object(members)
    }

    /// One line for people (`refkit status`, the log).
    public var line: String { Self.line(json) }

    /// The line of a stored summary document.
    public static func line(_ json: JSONValue) -> String {
        func int(_ key: String) -> Int {
            if case .number(let d, _)? = json[key] { return Int(d) }
            return 0
        }
        var spend = 0.0
        var wall = 0.0
        if case .number(let d, _)? = json["spend_usd"] { spend = d }
        if case .number(let d, _)? = json["wall_time_s"] { wall = d }
        let abandoned = json["abandoned"] == .bool(true)
        return "batch \(int("batch")): \(int("total")) images, \(int("complete")) complete with all references, \(int("partial")) partial, "
            + "\(int("avatar_only")) avatar only, \(int("failed")) failed; \(int("references_made")) references, "
            + "$\(String(format: "%.2f", spend)), \(clock(wall))" + (BatchQA(json: json["qa"]).map { "; QA \($0.line)" } ?? "")
            + ratingsLine(json["ratings"])
            + (abandoned ? " (given up with kits unfinished)" : "")
    }

    /// `; rated None 3, Mature 1, unrated 2`: the levels with kits, in order; empty when none
    /// (or for a summary written before ratings were counted).
    static func ratingsLine(_ ratings: JSONValue?) -> String {
        guard case .object(let members)? = ratings else { return "" }
        let counted = members.compactMap { key, value -> String? in
            guard case .number(let d, _) = value, d > 0 else { return nil }
            return "\(key) \(Int(d))"
        }
        return counted.isEmpty ? "" : "; rated " + counted.joined(separator: ", ")
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : "\(s / 60)m\(String(format: "%02d", s % 60))s"
    }
}

extension KitStatus {
    /// complete, partial, failed: no stage of the kit will run again by itself.
    var isFinal: Bool { self == .complete || self == .partial || self == .failed }
}
