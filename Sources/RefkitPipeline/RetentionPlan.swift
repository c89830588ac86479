import Foundation
import RefkitCore

/// What the janitor may remove from the state directory, decided from what it read (the kits,
/// the work folders, the outbox's leftovers): a value with no I/O. The `Janitor` reads, asks the
/// plan, and asks the store again just before each removal.
public struct RetentionPlan: Sendable, Equatable {
    /// A kit as the janitor sees it.
    public struct Kit: Sendable, Equatable {
        /// The kit's id, which is also its work folder's name.
        public var id: String
        /// The kit's last change, as the store writes it (`Timestamp`): its text orders by time.
        public var updatedAt: String
        /// Whether the kit reached a final status (complete, partial, failed).
        public var finished: Bool
        /// Whether the kit has an outbox folder, which a pruned kit's references are read from.
        public var published: Bool
        /// Whether its work folder holds more than the published note.
        public var hasWorkFiles: Bool

        public init(id: String, updatedAt: String, finished: Bool, published: Bool, hasWorkFiles: Bool) {
            self.id = id
            self.updatedAt = updatedAt
            self.finished = finished
            self.published = published
            self.hasWorkFiles = hasWorkFiles
        }
    }

    /// Kits whose work files may go, oldest first: finished and published, with work files.
    /// Unfinished kits keep theirs whatever their age.
    public var candidates: [String]
    /// The candidates past `work_retention_h`: removed whatever the state directory's size.
    public var expired: [String]
    /// `max_state_mb` in bytes; nil when the size is not bounded. While the state directory is
    /// larger, candidates go oldest first.
    public var limit: Int64?

    public init(kits: [Kit], now: Date, retentionHours: Int, maxStateMB: Int) {
        let oldestFirst = kits.filter { $0.finished && $0.published && $0.hasWorkFiles }.sorted {
            ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id)
        }
        let cutoff = Timestamp.string(now.addingTimeInterval(-Double(retentionHours) * 3600))
        candidates = oldestFirst.map(\.id)
        expired = oldestFirst.filter { $0.updatedAt <= cutoff }.map(\.id)
        limit = maxStateMB > 0 ? Int64(maxStateMB) << 20 : nil
    }

    /// Whether a state directory of `bytes` is above the bound.
    public func isOverLimit(_ bytes: Int64) -> Bool { limit.map { bytes > $0 } ?? false }

    /// Work folders whose kit the database does not have. Only those it records as deleted (a
    /// `delete` stopped before removing its files) may go: a folder it knows nothing of is kept,
    /// because the database may have been replaced or restored from an old backup, and its kits'
    /// files are then all there is.
    public static func unknownFolders(_ folders: [String], knownKits: Set<String>) -> [String] {
        folders.filter { !knownKits.contains($0) }
    }

    /// The folder-name prefix of a published kit folder renamed away by a re-publish
    /// (`.refkit-tmp-old-MS-*`, MS the time in milliseconds) where the outbox cannot exchange two folders.
    public static let retiredPrefix = ".refkit-tmp-old-"

    /// The outbox's renamed-away kit folders, newest first: a crash between a re-publish's two
    /// renames left the kit with none, and its newest renamed-away version is the one to put back.
    public static func retiredNewestFirst(_ names: [String]) -> [String] {
        func stamp(_ name: String) -> Int64 { Int64(name.dropFirst(retiredPrefix.count).prefix { $0 != "-" }) ?? 0 }
        return names.filter { $0.hasPrefix(retiredPrefix) }.sorted { stamp($0) > stamp($1) }
    }
}
