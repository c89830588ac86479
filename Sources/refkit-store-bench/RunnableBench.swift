import Foundation
import RefkitStore

/// What the scheduler's query costs once stages wait for several others (issue 17, item 5:
/// a text-only scene waits for every character it names, stored comma-joined in `depends_on`).
/// `--runnable`: every queued or generating kit gets pending stages: in half of them a scene
/// waiting for two characters (one done, one pending), in the other half views waiting for an
/// avatar that is not done; then `runnableStages` is timed as the scheduler calls it.
func runnableBench(database: RefkitDatabase) throws {
    try database.execute(
        """
        UPDATE kits SET watch = 'manual' WHERE status IN ('queued', 'generating');
        INSERT INTO stages (kit_id, stage, status, file, sha256, updated_at)
        SELECT id, 'character:a', 'done', 'a.png', 'ab', '2026-01-01' FROM kits WHERE status IN ('queued', 'generating') AND rowid % 2 = 0;
        INSERT INTO stages (kit_id, stage, status, updated_at)
        SELECT id, 'character:b', 'running', '2026-01-01' FROM kits WHERE status IN ('queued', 'generating') AND rowid % 2 = 0;
        INSERT INTO stages (kit_id, stage, depends_on, status, updated_at)
        SELECT id, 'scene:s' || n.i, 'character:a,character:b', 'pending', '2026-01-01'
        FROM kits, (SELECT 1 AS i UNION ALL SELECT 2 UNION ALL SELECT 3) n
        WHERE status IN ('queued', 'generating') AND kits.rowid % 2 = 0;
        INSERT INTO stages (kit_id, stage, status, updated_at)
        SELECT id, 'avatar', 'running', '2026-01-01' FROM kits WHERE status IN ('queued', 'generating') AND rowid % 2 = 1;
        INSERT INTO stages (kit_id, stage, depends_on, status, updated_at)
        SELECT id, v.name, 'avatar', 'pending', '2026-01-01'
        FROM kits, (SELECT 'side' AS name UNION ALL SELECT 'back' UNION ALL SELECT 'profile') v
        WHERE status IN ('queued', 'generating') AND kits.rowid % 2 = 1;
        """)
    try time("runnable stages, none ready", unit: "stages") {
        try database.runnableStages(watch: "manual", excluding: [], limit: 12).count
    }
    // The second character done: every scene of half the kits is ready.
    try database.execute("UPDATE stages SET status = 'done', file = 'b.png', sha256 = 'ab' WHERE stage = 'character:b'")
    try time("runnable stages, scenes ready", unit: "stages") {
        try database.runnableStages(watch: "manual", excluding: [], limit: 12).count
    }
}
