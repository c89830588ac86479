import Foundation
import GRDB
import RefkitCore
import RefkitQA

/// A stage that can run now: pending, its kit active, what it depends on done.
public struct RunnableStage: Sendable, Equatable {
    public var stageID: Int64
    public var kitID: String
    public var stage: Stage
    public var watch: String
    public var priority: Int
    public var kitCreatedAt: String
    /// How many times the stage was made again (`regenerate`): part of its seed.
    public var generation: Int = 0
}

/// The provider, prompt and seed a stage's kept image was made with, when QA kept an earlier
/// attempt than the last one started.
public struct MadeWith: Sendable, Equatable {
    public var provider: String
    public var prompt: String
    public var seed: Int64
    /// The provider inputs it was sent with, as JSON (issue 17 item 4); nil: none.
    public var inputs: String?
    /// The negative prompt it sent; nil: none.
    public var negativePrompt: String?

    public init(provider: String, prompt: String, seed: Int64, inputs: String? = nil, negativePrompt: String? = nil) {
        self.provider = provider
        self.prompt = prompt
        self.seed = seed
        self.inputs = inputs
        self.negativePrompt = negativePrompt
    }
}

/// What finishing a stage did to its kit.
public struct KitProgress: Sendable, Equatable {
    public var pending: Int
    public var running: Int
    public var done: Int
    public var failed: Int
    public var skipped: Int
    public var total: Int { pending + running + done + failed + skipped }
}

extension RefkitDatabase {
    /// Stages left `running` by a process that stopped never had their output recorded: they
    /// go back to `pending` (their finished siblings are untouched). Returns how many.
    @discardableResult
    public func requeueInterruptedStages() throws -> Int {
        try pool.write { db in
            try db.execute(sql: "UPDATE stages SET status = 'pending', updated_at = ? WHERE status = 'running'", arguments: [Self.now()])
            let requeued = db.changesCount
            // Their calls ended with the process: nothing is in flight any more.
            try db.execute(sql: "DELETE FROM budget_reservations WHERE state = 'reserved'")
            return requeued
        }
    }

    /// Up to `limit` runnable stages of one watch, best first: higher priority, older kit, plan order.
    public func runnableStages(watch: String, excluding running: Set<Int64>, limit: Int) throws -> [RunnableStage] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.id, s.kit_id, s.stage, s.generation, k.watch, k.priority, k.created_at
                    FROM stages s JOIN kits k ON k.id = s.kit_id
                    WHERE s.status = 'pending' AND k.watch = ? AND k.status IN ('queued', 'analyzing', 'generating')
                      AND (s.depends_on IS NULL
                           OR (s.depends_on = 'candidates' AND NOT EXISTS (
                               SELECT 1 FROM stages c WHERE c.kit_id = s.kit_id AND c.stage LIKE 'candidate:%'
                                   AND c.status IN ('pending', 'running')))
                           OR EXISTS (
                               SELECT 1 FROM stages d WHERE d.kit_id = s.kit_id AND d.stage = s.depends_on AND d.status = 'done')
                           -- Several stages, comma-joined (a text-only scene's characters): all of them done. The
                           -- unary + keeps SQLite on the kit's own stages, not every done stage (stages_status).
                           OR (instr(s.depends_on, ',') > 0 AND (
                               SELECT count(*) FROM stages d WHERE d.kit_id = s.kit_id AND +d.status = 'done'
                                   AND instr(',' || s.depends_on || ',', ',' || d.stage || ',') > 0)
                               = length(s.depends_on) - length(replace(s.depends_on, ',', '')) + 1))
                    ORDER BY k.priority DESC, k.created_at, k.id, s.id
                    LIMIT ?
                    """,
                arguments: [watch, limit + running.count])
            return try rows.map {
                RunnableStage(
                    stageID: $0["id"], kitID: $0["kit_id"], stage: try StoredValue.stage($0, in: "stages"), watch: $0["watch"],
                    priority: $0["priority"], kitCreatedAt: $0["created_at"], generation: $0["generation"])
            }.filter { !running.contains($0.stageID) }.prefix(limit).map { $0 }
        }
    }

    /// Kits with nothing left to run that are not yet marked finished (e.g. after a crash
    /// between the last stage and publishing).
    public func kitsReadyToFinish() throws -> [String] {
        try kitsWithNothingToRun(waitingToPublish: true)
    }

    /// Unfinished kits without a pending or running stage; `waitingToPublish: false` leaves out
    /// those whose last publish met a full or unwritable outbox (they have their own timer).
    func kitsWithNothingToRun(waitingToPublish: Bool) throws -> [String] {
        let waiting =
            waitingToPublish
            ? ""
            : """
              AND coalesce((SELECT e.type FROM events e WHERE e.kit_id = k.id ORDER BY e.id DESC LIMIT 1), '')
                  != '\(EventType.publishWaiting.rawValue)'
            """
        return try pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT k.id FROM kits k
                    WHERE k.status IN ('queued', 'analyzing', 'generating')
                      AND NOT EXISTS (SELECT 1 FROM stages s WHERE s.kit_id = k.id AND s.status IN ('pending', 'running'))
                    """ + waiting)
        }
    }

    /// Marks a stage running (one more attempt) and its kit generating, and reserves the
    /// price of its paid call (`budget`) in the same transaction: throws the budget's refusal
    /// (and changes nothing) when the kit's or the day's spend, reserved included, has no room.
    /// False when the stage is no longer there to run (its kit was deleted, or it was reset).
    /// `referenceGeneration`: the generation of the kit's locked reference the stage is made
    /// from (nil: not from the locked reference), so views of an earlier one can be told apart.
    /// `inputs`: the provider inputs sent with the call, as JSON (issue 17 item 4; nil: none);
    /// `negativePrompt`: the negative prompt the provider sends (nil: none).
    @discardableResult
    public func startStage(
        id: Int64, kitID: String, provider: String, model: String?, prompt: String, seed: Int64, referenceGeneration: Int? = nil,
        inputs: String? = nil, negativePrompt: String? = nil, budget: BudgetClaim? = nil
    ) throws -> Bool {
        try pool.write { db in
            let now = Self.now()
            // A call of this stage that ran before (a primary provider before its fallback) has ended.
            try Self.settleStageCalls(db, stageID: id)
            try db.execute(
                sql: """
                    UPDATE stages SET status = 'running', attempts = attempts + 1, provider = ?, model = ?, prompt = ?, seed = ?,
                        reference_generation = ?, error_code = NULL, error_message = NULL, qa = NULL, qa_verdict = NULL,
                        inputs = ?, negative_prompt = ?, updated_at = ?
                    WHERE id = ? AND status IN ('pending', 'running')
                    """,
                arguments: [provider, model, prompt, seed, referenceGeneration, inputs, negativePrompt, now, id])
            guard db.changesCount == 1 else { return false }
            if let budget {
                let name = try String.fetchOne(db, sql: "SELECT stage FROM stages WHERE id = ?", arguments: [id]) ?? ""
                _ = try Self.reserve(db, budget, kitID: kitID, stageID: id, subject: name)
            }
            try db.execute(
                sql: "UPDATE kits SET status = 'generating', updated_at = ? WHERE id = ? AND status IN ('queued', 'analyzing')",
                arguments: [now, kitID])
            return true
        }
    }

    /// Counts one more attempt of a running stage (a retry after a retryable error).
    public func countRetry(id: Int64, code: String, message: String) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE stages SET attempts = attempts + 1, error_code = ?, error_message = ?, updated_at = ? WHERE id = ?",
                arguments: [code, message, Self.now(), id])
        }
    }

    /// Records a stage's output, already durable at `file` (relative to the state directory),
    /// with what QA found in it (nil: not checked). `costUSD` is what the last call cost (earlier
    /// attempts' are on the stage already: `keepAttemptCost`).
    public func completeStage(
        id: Int64, kitID: String, stage: Stage, file: String, sha256: String, format: ImageFormat, width: Int, height: Int,
        model: String, costUSD: Double, durationMs: Int, locksReference: Bool, qa: QAStageRecord? = nil, madeWith: MadeWith? = nil
    ) throws {
        try pool.write { db in
            let now = Self.now()
            try db.execute(
                sql: """
                    UPDATE stages SET status = 'done', file = ?, sha256 = ?, mime = ?, width = ?, height = ?, model = ?,
                        cost_usd = cost_usd + ?,
                        duration_ms = ?, error_code = NULL, error_message = NULL, qa = ?, qa_verdict = ?,
                        provider = coalesce(?, provider), prompt = coalesce(?, prompt), seed = coalesce(?, seed),
                        inputs = CASE WHEN ? THEN ? ELSE inputs END,
                        negative_prompt = CASE WHEN ? THEN ? ELSE negative_prompt END, updated_at = ?
                    WHERE id = ? AND status = 'running'
                    """,
                arguments: [
                    file, sha256, format.mime, width, height, model, costUSD, durationMs, qa.map(Self.qaJSON), qa?.verdict.rawValue,
                    madeWith?.provider, madeWith?.prompt, madeWith?.seed, madeWith != nil, madeWith?.inputs,
                    madeWith != nil, madeWith?.negativePrompt, now, id,
                ])
            guard db.changesCount == 1 else { return }
            // The call's reservation (or recorded payment) is now the stage's cost.
            try db.execute(sql: "DELETE FROM budget_reservations WHERE stage_id = ?", arguments: [id])
            if locksReference {
                try db.execute(
                    // A new avatar (a regenerated one too) is a new generation of the locked reference.
                    sql: """
                        UPDATE kits SET locked_reference = ?, locked_how = ?, reference_generation = reference_generation + 1,
                            updated_at = ?
                        WHERE id = ?
                        """,
                    arguments: [file, "auto: the only avatar candidate", now, kitID])
            }
            try Self.appendEvent(db, kitID: kitID, watch: nil, subject: stage.name, type: .stageDone, message: "\(durationMs) ms")
        }
    }

    /// Records a stage's final failure; when `failsKit`, the kit fails and its waiting stages
    /// are skipped.
    public func failStage(id: Int64, kitID: String, stage: Stage, code: String, message: String, durationMs: Int, failsKit: Bool) throws {
        try pool.write { db in
            let now = Self.now()
            try db.execute(
                sql: "UPDATE stages SET status = 'failed', error_code = ?, error_message = ?, duration_ms = ?, updated_at = ? WHERE id = ?",
                arguments: [code, message, durationMs, now, id])
            try Self.settleStageCalls(db, stageID: id)
            // Stages that wait for this one (alone or among several) can never run.
            try db.execute(
                sql:
                    "UPDATE stages SET status = 'skipped', error_code = 'dependency_failed', error_message = ?, updated_at = ? WHERE "
                    + "kit_id = ? AND instr(',' || depends_on || ',', ',' || ? || ',') > 0 AND status = 'pending'",
                arguments: ["\(stage) failed", now, kitID, stage.name])
            if failsKit {
                try db.execute(
                    sql:
                        "UPDATE stages SET status = 'skipped', error_code = 'kit_failed', error_message = ?, updated_at = ? WHERE kit_id "
                        + "= ? AND status = 'pending'",
                    arguments: ["\(stage) failed", now, kitID])
            }
            try Self.appendEvent(db, kitID: kitID, watch: nil, subject: stage.name, type: .stageFailed, code: code, message: message)
        }
    }

    /// Stage counts of one kit.
    public func progress(kitID: String) throws -> KitProgress {
        try pool.read { db in
            var p = KitProgress(pending: 0, running: 0, done: 0, failed: 0, skipped: 0)
            for row in try Row.fetchAll(
                db, sql: "SELECT status, count(*) AS n FROM stages WHERE kit_id = ? GROUP BY status", arguments: [kitID])
            {
                let n: Int = row["n"]
                switch try StoredValue.decode(row, "status", in: "stages", StageStatus.init(rawValue:)) {
                case .pending: p.pending = n
                case .running: p.running = n
                case .done: p.done = n
                case .failed: p.failed = n
                case .skipped: p.skipped = n
                }
            }
            return p
        }
    }

    /// Sets a kit's final status and where it was published: only while the kit is still active
    /// with nothing left to run. False when something changed meanwhile (a CLI command, a
    /// follow-up or a control order queued more work during the publish): the kit then stays
    /// active and is published again when that work ends.
    @discardableResult
    public func finishKit(
        id: String, status: KitStatus, outboxDir: String?, errorCode: String?, errorMessage: String?, stagesFingerprint: String? = nil
    ) throws -> Bool {
        try pool.write { db in
            if let stagesFingerprint, try Self.fingerprint(db, kitID: id) != stagesFingerprint { return false }
            try db.execute(
                sql: """
                    UPDATE kits SET status = ?, outbox_dir = coalesce(?, outbox_dir), error_code = ?, error_message = ?, updated_at = ?
                    WHERE id = ? AND status IN ('queued', 'analyzing', 'generating')
                      AND NOT EXISTS (SELECT 1 FROM stages WHERE kit_id = ? AND status IN ('pending', 'running'))
                    """,
                arguments: [status.rawValue, outboxDir, errorCode, errorMessage, Self.now(), id, id])
            guard db.changesCount == 1 else { return false }
            try Self.appendEvent(
                db, kitID: id, watch: nil, subject: nil, type: .kitFinished(status), code: errorCode, message: errorMessage)
            return true
        }
    }

    /// Every stage's id, status and generation: what a publish saw, checked again when the kit
    /// is marked finished.
    public func stagesFingerprint(kitID: String) throws -> String {
        try pool.read { db in
            try Self.fingerprint(db, kitID: kitID)
        }
    }

    static func fingerprint(_ db: Database, kitID: String) throws -> String {
        try Row.fetchAll(db, sql: "SELECT id, status, generation FROM stages WHERE kit_id = ? ORDER BY id", arguments: [kitID])
            .map { "\($0["id"] as Int64):\($0["status"] as String):\($0["generation"] as Int)" }.joined(separator: ",")
    }

    public func setOutboxDir(kitID: String, dir: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE kits SET outbox_dir = ? WHERE id = ?", arguments: [dir, kitID])
        }
    }

    /// Whether any stage is waiting or running (for `once`).
    public func hasUnfinishedWork() throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM stages s JOIN kits k ON k.id = s.kit_id
                                   WHERE s.status IN ('pending', 'running') AND k.status IN ('queued', 'analyzing', 'generating'))
                    """) ?? false
        }
    }
}
