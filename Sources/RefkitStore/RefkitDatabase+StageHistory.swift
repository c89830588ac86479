import GRDB
import RefkitCore

/// A stage's earlier results: `regenerate` and `retry` archive the result (or failure) they
/// replace, so manifests list it and its cost stays counted.
extension RefkitDatabase {
    /// Earlier results of a kit's stages, oldest first.
    public func stageHistory(kitID: String) throws -> [StageHistoryRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM stage_history WHERE kit_id = ? ORDER BY id", arguments: [kitID]).map {
                StageHistoryRecord(
                    stage: $0["stage"], generation: $0["generation"], status: StageStatus(rawValue: $0["status"]) ?? .failed,
                    file: $0["file"],
                    sha256: $0["sha256"], mime: $0["mime"], provider: $0["provider"], model: $0["model"], seed: $0["seed"],
                    attempts: $0["attempts"],
                    costUSD: $0["cost_usd"], durationMs: $0["duration_ms"], errorCode: $0["error_code"], errorMessage: $0["error_message"],
                    endedAt: $0["ended_at"], replacedAt: $0["replaced_at"])
            }
        }
    }

    /// Keeps a done or failed stage's result as history before it is made again.
    static func archive(_ db: Database, _ stage: StageRecord, now: String) throws {
        guard stage.status == .done || stage.status == .failed else { return }
        try db.execute(
            sql: """
                INSERT INTO stage_history (kit_id, stage, generation, status, file, sha256, mime, provider, model, seed, attempts, cost_usd,
                    duration_ms, error_code, error_message, ended_at, replaced_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                stage.kitID, stage.stage, stage.generation, stage.status.rawValue, stage.status == .done ? stage.file : nil,
                stage.status == .done ? stage.sha256 : nil, stage.mime, stage.provider, stage.model, stage.seed, stage.attempts,
                stage.costUSD,
                stage.durationMs, stage.errorCode, stage.errorMessage, stage.updatedAt, now,
            ])
    }
}
