import Foundation
import RefkitStore
import RefkitSystem

/// Removing a kit: its state in one store transaction (refused while a stage is being made),
/// then its outbox folder, its work files, and the originals no other kit uses. One home for
/// `refkit delete` and the web's Delete.
public enum KitDeletion {
    /// What was deleted: the kit's name and id, and what was removed from disk, for the person.
    public struct Outcome: Sendable {
        public var kitName: String
        public var kitID: String
        public var removed: [String]
    }

    /// Deletes the kit `reference` (id, name or slug).
    /// - Throws: the store's `RefkitError` (`kit_unknown`, `kit_busy`), or a file system error
    ///   after the state is gone (the files named in it are left for the person to remove).
    public static func delete(_ reference: String, database: RefkitDatabase, stateDir: String) throws -> Outcome {
        let deleted = try database.deleteKit(reference)
        var removed: [String] = []
        let files = FileManager.default
        if let dir = deleted.outboxDir, files.fileExists(atPath: dir) {
            try files.removeItem(atPath: dir)
            removed.append(dir)
        }
        let work = StateLayout(root: stateDir).work(kitID: deleted.kitID)
        if files.fileExists(atPath: work) { try files.removeItem(atPath: work) }
        for input in deleted.orphanedInputs {
            try? files.removeItem(atPath: "\(stateDir)/\(input)")
            removed.append("face-swap target \(input)")
        }
        for original in deleted.orphanedSources {
            try? files.removeItem(atPath: "\(stateDir)/\(original)")
            removed.append("original \(original)")
        }
        if let original = deleted.orphanedOriginal {
            try? files.removeItem(atPath: "\(stateDir)/\(original)")
            removed.append("original \(original)")
        }
        return Outcome(kitName: deleted.kitName, kitID: deleted.kitID, removed: removed)
    }
}
