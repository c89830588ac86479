import Foundation
import GRDB
import RefkitCore

extension RefkitDatabase {
    /// Removes a kit's state. Refused while one of its stages is being made. The caller removes
    /// the outbox folder, the work files and (when orphaned) the original after this commits.
    public func deleteKit(_ reference: String) throws -> DeletedKit {
        try pool.write { db in
            let kit = try Self.kitRow(db, reference)
            let running =
                try Int.fetchOne(db, sql: "SELECT count(*) FROM stages WHERE kit_id = ? AND status = 'running'", arguments: [kit.id]) ?? 0
            guard running == 0 else {
                throw Self.commandError(
                    .kitBusy, "the kit has stages being made right now", "\(running) running; try again when they have ended")
            }
            let pending =
                try Int.fetchOne(db, sql: "SELECT count(*) FROM stages WHERE kit_id = ? AND status = 'pending'", arguments: [kit.id]) ?? 0
            if [.queued, .analyzing, .generating].contains(kit.status) && pending == 0 {
                throw Self.commandError(.kitBusy, "the kit is being published right now", "try again in a moment")
            }
            var orphaned: String?
            let inputs = try String.fetchAll(
                db, sql: "SELECT DISTINCT input FROM stages WHERE kit_id = ? AND input IS NOT NULL", arguments: [kit.id])
            try db.execute(sql: "UPDATE intake_claims SET kit_id = NULL WHERE kit_id = ?", arguments: [kit.id])
            try Self.keepDaySpendOfDeletedKit(db, kitID: kit.id, watch: kit.watch)
            let extraSources = try Self.extraSourceIDs(db, kitID: kit.id)
            try db.execute(sql: "DELETE FROM kits WHERE id = ?", arguments: [kit.id])
            if let sourceID = kit.sourceID {
                if try !Self.sourceInUse(db, id: sourceID) {
                    orphaned = try String.fetchOne(db, sql: "SELECT stored_path FROM sources WHERE id = ?", arguments: [sourceID])
                    try db.execute(sql: "UPDATE intake_claims SET source_id = NULL WHERE source_id = ?", arguments: [sourceID])
                    try db.execute(sql: "DELETE FROM sources WHERE id = ?", arguments: [sourceID])
                }
            }
            // A character's further sources go the same way (issue 17 item 1).
            let orphanedSources = try Self.dropUnusedSources(db, ids: extraSources)
            var orphanedInputs: [String] = []
            for input in inputs {
                let used =
                    try Bool.fetchOne(
                        db,
                        sql: "SELECT EXISTS (SELECT 1 FROM stages WHERE input = ?) OR EXISTS (SELECT 1 FROM sources WHERE stored_path = ?)",
                        arguments: [input, input]) ?? true
                if !used { orphanedInputs.append(input) }
            }
            try Self.appendEvent(db, kitID: kit.id, watch: kit.watch, subject: kit.name, type: .deleted)
            var deleted = DeletedKit(kitID: kit.id, kitName: kit.name, outboxDir: kit.outboxDir, orphanedOriginal: orphaned)
            deleted.orphanedInputs = orphanedInputs
            deleted.orphanedSources = orphanedSources
            return deleted
        }
    }
}
