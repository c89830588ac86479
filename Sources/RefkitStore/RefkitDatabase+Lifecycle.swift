import Foundation
import GRDB
import RefkitCore

/// What a kit command did, for the CLI and the log.
public struct KitCommandResult: Sendable, Equatable {
    public var kitID: String
    public var kitName: String
    /// The stages it touched (selected, queued again, ...).
    public var stages: [Stage]
    public var message: String
}

/// What deleting a kit leaves for the caller to remove from disk (after the commit).
public struct DeletedKit: Sendable, Equatable {
    public var kitID: String
    public var kitName: String
    public var outboxDir: String?
    /// The stored original, when no other kit uses it any more.
    public var orphanedOriginal: String?
    /// Stored face-swap targets no other kit uses any more.
    public var orphanedInputs: [String] = []
    /// The stored originals of the kit's further sources no other kit uses (issue 17 item 1).
    public var orphanedSources: [String] = []
}

/// The kit life cycle after intake (DESIGN.md "Kit life cycle"): choosing an avatar candidate,
/// follow-up orders, regenerate, retry and delete. Each is one write transaction whose
/// preconditions are checked inside it, so the CLI and a running daemon (which reach the same
/// database) can never interleave into an inconsistent kit.
extension RefkitDatabase {
    static func commandError(_ code: RefkitError.Code, _ message: String, _ detail: String = "") -> RefkitError {
        RefkitError(code, message, detail: detail)
    }

    static func kitRow(_ db: Database, _ reference: String) throws -> KitRecord {
        let byID = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM kits WHERE id = ?)", arguments: [reference]) ?? false
        if !byID {
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM kits WHERE name = ? OR slug = ? ORDER BY created_at", arguments: [reference, reference])
            if Set(ids).count > 1 {
                throw commandError(
                    .kitAmbiguous, "several kits have this name",
                    "\(reference) is \(ids.joined(separator: ", ")): give the id (see `refkit kits`)")
            }
        }
        guard
            let kit = try Row.fetchOne(
                db, sql: "SELECT * FROM kits WHERE id = ? OR name = ? OR slug = ? ORDER BY (id = ?) DESC, created_at LIMIT 1",
                arguments: [reference, reference, reference, reference]
            ).map(kitRecord)
        else {
            throw commandError(.kitUnknown, "no kit has this id, name or slug", reference)
        }
        return kit
    }

    /// A kit of one watch by name or slug (the first made), for follow-up orders.
    public func kit(named name: String, watch: String) throws -> KitRecord? {
        try pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM kits WHERE watch = ? AND (name = ? OR slug = ?) ORDER BY created_at LIMIT 1",
                arguments: [watch, name, name]
            ).map(Self.kitRecord)
        }
    }

    /// The avatar step of a kit with candidates found the candidates ended: the kit waits for a
    /// person to choose (`refkit select`, or a control order).
    public func awaitSelection(kitID: String) throws {
        try pool.write { db in
            try db.execute(
                sql:
                    "UPDATE kits SET status = 'awaiting_selection', updated_at = ? WHERE id = ? AND status IN ('queued', 'analyzing', "
                    + "'generating')",
                arguments: [Self.now(), kitID])
            try Self.appendEvent(db, kitID: kitID, watch: nil, subject: "avatar", type: .awaitingSelection)
        }
    }

    /// Locks avatar candidate `number` as the kit's avatar and reference; the kit goes on.
    ///
    /// `requireAwaiting`: a person's choice (CLI, control order), taken while the kit waits for
    /// one or, to re-lock it, once its avatar is chosen; the automatic choice is made by the
    /// daemon while the kit is generating, and never replaces a chosen avatar. A re-lock starts a
    /// new generation of the locked reference: stages made from the earlier one are marked, and
    /// with `remake` queued to be made again from the new one.
    @discardableResult
    public func selectCandidate(
        kit reference: String, number: Int, how: String, requireAwaiting: Bool, remake: Bool = false, claim: Int64? = nil
    ) throws -> KitCommandResult {
        try pool.write { db in
            let kit = try Self.kitRow(db, reference)
            let stages = try Row.fetchAll(db, sql: "SELECT * FROM stages WHERE kit_id = ?", arguments: [kit.id]).map(Self.stageRecord)
            let candidateStages = stages.filter(\.stage.isCandidate)
            guard !candidateStages.isEmpty else {
                throw Self.commandError(.kitHasNoCandidates, "the kit was made with a single avatar", kit.name)
            }
            guard let chosen = candidateStages.first(where: { $0.stage == .candidate(number) }) else {
                throw Self.commandError(
                    .candidateUnknown, "the kit has no such candidate", "\(kit.name) has candidates 1...\(candidateStages.count)")
            }
            guard chosen.status == .done, let file = chosen.file, let sha = chosen.sha256 else {
                throw Self.commandError(
                    .candidateNotMade, "that candidate was not made",
                    "candidate \(number) is \(chosen.status.rawValue): \(chosen.errorMessage ?? "")")
            }
            guard let avatar = stages.first(where: { $0.stage == .avatar }) else {
                throw Self.commandError(.kitHasNoCandidates, "the kit has no avatar to choose", kit.name)
            }
            let relock = avatar.status == .done
            guard avatar.status != .running, !relock || requireAwaiting else {
                throw Self.commandError(.avatarAlreadyChosen, "the kit's avatar is already chosen", kit.lockedHow ?? "")
            }
            guard relock || !requireAwaiting || kit.status == .awaitingSelection else {
                throw Self.commandError(
                    .kitNotAwaitingSelection, "the kit is not waiting for an avatar choice",
                    "\(kit.name) is \(kit.status.rawValue); only kits made with \"selection\": \"manual\" and several candidates wait, "
                        + "and a chosen avatar can be chosen again once the candidates are made")
            }
            let now = Self.now()
            if relock && avatar.file == file {
                // The same candidate again: the reference stays; only a remake has work to do.
                let queued = remake ? try Self.remakeEarlierViews(db, kit: kit, stages: stages, now: now) : []
                guard !queued.isEmpty else {
                    throw Self.commandError(
                        .candidateAlreadyLocked, "that candidate is already the locked reference",
                        "\(kit.name): \(kit.lockedHow ?? ""); nothing was made from an earlier reference")
                }
                try Self.appendEvent(
                    db, kitID: kit.id, watch: kit.watch, subject: "avatar", type: .remake, message: Self.names(queued))
                try Self.finishClaim(db, claim, kitID: kit.id)
                let message = "\(queued.count) stage(s) made from an earlier reference queued again"
                return KitCommandResult(kitID: kit.id, kitName: kit.name, stages: queued, message: message)
            }
            if relock {
                // The avatar it replaces stays in the history (and as avatar.prev.png).
                try Self.archive(db, avatar, now: now)
            }
            try db.execute(
                sql: """
                    UPDATE stages SET status = 'done', file = ?, sha256 = ?, mime = ?, width = ?, height = ?, provider = ?,
                        model = ?, prompt = ?,
                        seed = ?, generation = generation + ?, error_code = NULL, error_message = NULL, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    file, sha, chosen.format?.mime, chosen.width, chosen.height, chosen.provider, chosen.model, chosen.prompt, chosen.seed,
                    relock ? 1 : 0, now, avatar.id,
                ])
            try db.execute(
                sql: """
                    UPDATE kits SET locked_reference = ?, locked_how = ?, reference_generation = reference_generation + 1,
                        status = 'generating', error_code = NULL, error_message = NULL, updated_at = ? WHERE id = ?
                    """,
                arguments: [file, how, now, kit.id])
            try Self.appendEvent(
                db, kitID: kit.id, watch: kit.watch, subject: "avatar", type: relock ? .reselected : .selected, message: how)
            var queued: [Stage] = []
            if relock && remake {
                var relocked = kit
                relocked.referenceGeneration += 1
                queued = try Self.remakeEarlierViews(db, kit: relocked, stages: stages, now: now)
            }
            try Self.finishClaim(db, claim, kitID: kit.id)
            let remade = queued.isEmpty ? "" : "; \(queued.count) stage(s) made from the earlier reference queued again"
            let marked = relock && !remake ? Self.earlierViews(kit: kit, stages: stages, generation: kit.referenceGeneration + 1) : []
            let mark = marked.isEmpty ? "" : "; \(marked.count) stage(s) were made from the earlier reference (remake them with --remake)"
            return KitCommandResult(
                kitID: kit.id, kitName: kit.name, stages: [chosen.stage] + queued,
                message: "candidate \(number) is the avatar and locked reference (\(how))\(remade)\(mark)")
        }
    }

    /// Adds a follow-up order's stages to an existing kit (those it does not have yet) and
    /// queues the kit again. Returns the stages added (empty: nothing new).
    public func addFollowUp(kitID: String, order: NewOrder, plan: KitPlan, claims: [Int64]) throws -> [Stage] {
        try pool.write { db in
            let now = Self.now()
            try Self.requireLiveAvatar(db, kitID: kitID, dependsOnAvatar: plan.steps.contains { $0.dependsOn == .avatar })
            let have = try Self.stageSet(db, kitID: kitID)
            let missing = plan.steps.filter { !have.contains($0.stage) }
            for id in claims {
                try db.execute(
                    sql: "UPDATE intake_claims SET state = ?, kit_id = ?, finished_at = ? WHERE id = ?",
                    arguments: [missing.isEmpty ? ClaimState.duplicate.rawValue : ClaimState.accepted.rawValue, kitID, now, id])
            }
            guard !missing.isEmpty else { return [] }
            try Self.insertStages(db, kitID: kitID, steps: missing, now: now)
            try Self.insertOrder(db, kitID: kitID, order: order, now: now)
            try db.execute(
                sql: """
                    UPDATE kits SET status = CASE WHEN status = 'awaiting_selection' THEN status ELSE 'queued' END, error_code = NULL,
                        error_message = NULL, updated_at = ? WHERE id = ?
                    """,
                arguments: [now, kitID])
            try Self.appendEvent(
                db, kitID: kitID, watch: nil, subject: order.fileName, type: .followUp,
                message: Self.names(missing.map(\.stage)))
            return missing.map(\.stage)
        }
    }

    /// Adds a face swap to a kit: stage `swap:NAME` with its target image (already stored).
    public func addFaceSwap(kitID: String, stage: Stage, input: String, order: NewOrder, claims: [Int64]) throws {
        try pool.write { db in
            let now = Self.now()
            try Self.requireLiveAvatar(db, kitID: kitID, dependsOnAvatar: true)
            if try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM stages WHERE kit_id = ? AND stage = ?)", arguments: [kitID, stage.name]) == true
            {
                throw Self.commandError(
                    .orderDuplicateFaceSwap, "the kit already has a face swap of this name",
                    "\(stage.name): give \"face_swap\": {\"name\": ...} another name, or `refkit regenerate` it")
            }
            try db.execute(
                sql: "INSERT INTO stages (kit_id, stage, depends_on, status, input, updated_at) VALUES (?, ?, 'avatar', 'pending', ?, ?)",
                arguments: [kitID, stage.name, input, now])
            try Self.insertOrder(db, kitID: kitID, order: order, now: now)
            for id in claims {
                try db.execute(
                    sql: "UPDATE intake_claims SET state = 'accepted', kit_id = ?, finished_at = ? WHERE id = ?",
                    arguments: [kitID, now, id])
            }
            try db.execute(
                sql:
                    "UPDATE kits SET status = CASE WHEN status = 'awaiting_selection' THEN status ELSE 'queued' END, updated_at = ? "
                    + "WHERE id = ?",
                arguments: [now, kitID])
            try Self.appendEvent(db, kitID: kitID, watch: nil, subject: order.fileName, type: .faceSwap, message: stage.name)
        }
    }

    /// Makes `stages` of a kit again with a new seed: each done (or failed) result goes to the
    /// history, the stage waits again, and its published file stays until the new one replaces it.
    @discardableResult
    public func regenerate(kit reference: String, stages asked: [Stage], claim: Int64? = nil) throws -> KitCommandResult {
        try pool.write { db in
            let kit = try Self.kitRow(db, reference)
            guard !asked.isEmpty else { throw Self.commandError(.stagesMissing, "name at least one stage to make again") }
            let stages = try Row.fetchAll(db, sql: "SELECT * FROM stages WHERE kit_id = ?", arguments: [kit.id]).map(Self.stageRecord)
            let hasCandidates = stages.contains(where: \.stage.isCandidate)
            var touched: [StageRecord] = []
            for wanted in asked {
                guard let stage = stages.first(where: { $0.stage == wanted }) else {
                    throw Self.commandError(
                        .stageUnknown, "the kit has no such stage", "\(kit.name) has: \(stages.map(\.stage.name).joined(separator: ", "))")
                }
                if wanted == .avatar && hasCandidates {
                    throw Self.commandError(
                        .stageIsSelected, "this kit's avatar is chosen among candidates, not generated",
                        "regenerate a candidate (candidate:N) and select it, or select another candidate")
                }
                guard stage.status != .running else {
                    throw Self.commandError(.stageRunning, "the stage is being made right now", "\(wanted): try again when it has ended")
                }
                guard stage.status != .pending else {
                    throw Self.commandError(.stagePending, "the stage is already waiting to be made", wanted.name)
                }
                if let dependency = stage.dependsOn?.stages.first(where: { d in
                    stages.contains { $0.stage == d && ($0.status == .failed || $0.status == .skipped) }
                }), let parent = stages.first(where: { $0.stage == dependency }) {
                    throw Self.commandError(
                        .stageDependencyFailed, "the stage it is made from failed",
                        "\(dependency) is \(parent.status.rawValue): `\(ShellWord.command(["refkit", "retry", kit.name]))` first")
                }
                if wanted.isCandidate && kit.status != .awaitingSelection
                    && stages.contains(where: { $0.stage == .avatar && $0.status != .done })
                {
                    throw Self.commandError(
                        .stageBeingChosen, "the avatar is being chosen among the candidates right now",
                        "try again when the kit waits for a choice or has one")
                }
                touched.append(stage)
            }
            let now = Self.now()
            for stage in touched { try Self.queueAgain(db, stage, now: now) }
            try Self.requeue(db, kit, now: now)
            let list = touched.map(\.stage)
            try Self.appendEvent(
                db, kitID: kit.id, watch: kit.watch, subject: nil, type: .regenerate, message: Self.names(list))
            try Self.finishClaim(db, claim, kitID: kit.id)
            return KitCommandResult(
                kitID: kit.id, kitName: kit.name, stages: list, message: "\(list.count) stage(s) queued to be made again with a new seed")
        }
    }

    /// Queues the failed (and therefore skipped) stages of a kit again. Done stages are untouched.
    /// A `failed` kit whose stages are all done (its publish failed) goes back to be published.
    @discardableResult
    public func retryFailed(kit reference: String, claim: Int64? = nil) throws -> KitCommandResult {
        try pool.write { db in
            let kit = try Self.kitRow(db, reference)
            let stages = try Row.fetchAll(
                db, sql: "SELECT * FROM stages WHERE kit_id = ? AND status IN ('failed', 'skipped')", arguments: [kit.id]
            )
            .map(Self.stageRecord)
            if stages.isEmpty, kit.status == .failed {
                // Nothing to make: queued with nothing to run, the daemon publishes it (at start-up
                // and every disk_full_retry_s), without a provider call.
                let now = Self.now()
                try Self.requeue(db, kit, now: now)
                try Self.appendEvent(db, kitID: kit.id, watch: kit.watch, subject: nil, type: .retry, message: "publish")
                try Self.finishClaim(db, claim, kitID: kit.id)
                return KitCommandResult(
                    kitID: kit.id, kitName: kit.name, stages: [],
                    message: "every stage is done; the kit is published again")
            }
            guard !stages.isEmpty else {
                throw Self.commandError(.nothingToRetry, "the kit has no failed stages", "\(kit.name) is \(kit.status.rawValue)")
            }
            let now = Self.now()
            for stage in stages where stage.status == .failed { try Self.archive(db, stage, now: now) }
            try db.execute(
                sql: """
                    UPDATE stages SET status = 'pending', attempts = 0, duration_ms = 0, error_code = NULL, error_message = NULL,
                        updated_at = ?
                    WHERE kit_id = ? AND status IN ('failed', 'skipped')
                    """,
                arguments: [now, kit.id])
            try Self.requeue(db, kit, now: now)
            let list = stages.map(\.stage)
            try Self.appendEvent(db, kitID: kit.id, watch: kit.watch, subject: nil, type: .retry, message: Self.names(list))
            try Self.finishClaim(db, claim, kitID: kit.id)
            return KitCommandResult(kitID: kit.id, kitName: kit.name, stages: list, message: "\(list.count) failed stage(s) queued again")
        }
    }

    /// Stage names as events list them: `side,scene:beach`.
    static func names(_ stages: [Stage]) -> String { stages.map(\.name).joined(separator: ",") }

    /// Marks a control order's claim as taken for `kitID`.
    public func finishClaim(id: Int64, kitID: String) throws {
        try pool.write { db in try Self.finishClaim(db, id, kitID: kitID) }
    }

    /// Marks an inbox claim accepted inside the caller's transaction: a control order's effect
    /// and its claim commit together, so a crash between them can neither apply it twice (a
    /// second paid regenerate) nor reject an order that was applied.
    static func finishClaim(_ db: Database, _ id: Int64?, kitID: String) throws {
        guard let id else { return }
        try db.execute(
            sql: "UPDATE intake_claims SET state = 'accepted', kit_id = ?, finished_at = ? WHERE id = ?", arguments: [kitID, now(), id])
    }

    /// New stages made from the avatar need an avatar that is done or still to come.
    static func requireLiveAvatar(_ db: Database, kitID: String, dependsOnAvatar: Bool) throws {
        guard dependsOnAvatar else { return }
        let status = try Row.fetchOne(
            db, sql: "SELECT status FROM stages WHERE kit_id = ? AND stage = ?", arguments: [kitID, Stage.avatar.name]
        ).map { try StoredValue.decode($0, "status", in: "stages", StageStatus.init(rawValue:)) }
        if status == nil || status == .failed || status == .skipped {
            throw commandError(
                .orderKitFailed, "the kit has no avatar to work from",
                "its avatar is \(status?.rawValue ?? "missing"): `refkit retry` the kit first")
        }
    }

    /// A kit with stages to make again goes back to `queued` (a kit waiting for a choice keeps waiting).
    static func requeue(_ db: Database, _ kit: KitRecord, now: String) throws {
        try db.execute(
            sql: """
                UPDATE kits SET status = CASE WHEN status = 'awaiting_selection' THEN status ELSE 'queued' END, error_code = NULL,
                    error_message = NULL, updated_at = ? WHERE id = ?
                """,
            arguments: [now, kit.id])
    }
}
