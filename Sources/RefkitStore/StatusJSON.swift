import RefkitCore

/// The status document (`refkit.status/1`): what `refkit status --json` prints and `GET /api/v1/status` answers.
public enum StatusJSON {
    /// The document from the store's counts; `daemonPID` and `lastBatch` (the newest Civitai batch
    /// summary) come from outside the store.
    public static func document(database: RefkitDatabase, stateDir: String, daemonPID: Int?, lastBatch: JSONValue?) throws -> JSONValue {
        let summary = try database.statusSummary()
        let paused = try database.pausedProviders()
        let openBatches = try database.openCivitaiBatches().count
        func counts(_ keys: [String], _ values: [String: Int]) -> JSONValue {
            .counts(Dictionary(uniqueKeysWithValues: keys.map { ($0, values[$0] ?? 0) }))
        }
        return .object([
            ("schema", .string("refkit.status/1")),
            ("daemon", .object([("running", .bool(daemonPID != nil)), ("pid", daemonPID.map(JSONValue.integer) ?? .null)])),
            ("state_dir", .string(stateDir)),
            ("queue_depth", .integer(queueDepth(summary))),
            ("kits", counts(KitStatus.allCases.map(\.rawValue), summary.kitsByStatus)),
            ("stages", counts(StageStatus.allCases.map(\.rawValue), summary.stagesByStatus)),
            ("intake", counts(["claimed", "accepted", "duplicate", "rejected"], summary.claimsByState)),
            ("sources", .integer(summary.sources)),
            ("rejected_today", .integer(summary.rejectedToday)),
            ("spend_today_usd", .number(summary.spendTodayUSD, isInteger: false)),
            (
                "paused_providers",
                .array(
                    paused.map { pause in
                        .object([("provider", .string(pause.provider)), ("until", .string(pause.until)), ("capped", .bool(pause.capped))])
                    })
            ),
            ("civitai", .object([("open_batches", .integer(openBatches)), ("last_batch", lastBatch ?? .null)])),
        ])
    }

    /// Stages waiting or being made.
    public static func queueDepth(_ summary: StatusSummary) -> Int {
        (summary.stagesByStatus["pending"] ?? 0) + (summary.stagesByStatus["running"] ?? 0)
    }
}
