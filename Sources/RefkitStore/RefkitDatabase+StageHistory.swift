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
                    stage: try StoredValue.stage($0, in: "stage_history"), generation: $0["generation"],
                    status: try StoredValue.decode($0, "status", in: "stage_history", StageStatus.init(rawValue:)), file: $0["file"],
                    sha256: $0["sha256"], format: try StoredValue.format($0, in: "stage_history"), provider: $0["provider"],
                    model: $0["model"], seed: $0["seed"], attempts: $0["attempts"], costUSD: $0["cost_usd"], durationMs: $0["duration_ms"],
                    errorCode: $0["error_code"], errorMessage: $0["error_message"], endedAt: $0["ended_at"], replacedAt: $0["replaced_at"])
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
                stage.kitID, stage.stage.name, stage.generation, stage.status.rawValue, stage.status == .done ? stage.file : nil,
                stage.status == .done ? stage.sha256 : nil, stage.format?.mime, stage.provider, stage.model, stage.seed, stage.attempts,
                stage.costUSD,
                stage.durationMs, stage.errorCode, stage.errorMessage, stage.updatedAt, now,
            ])
    }
}
