import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitPublish
import RefkitStore
import RefkitSystem

#if canImport(Glibc)
import Glibc
#endif

/// Keeps the state directory and the outboxes clean. What may go is decided by `RetentionPlan`;
/// the janitor reads what the plan needs, and asks the store again just before each removal.
///
/// - At start-up (no other refkit holds the state lock, so no write is in flight): every temp
///   file in `STATE/tmp` and every `.refkit-tmp-*` file in the outboxes, leftovers of a crash.
/// - Every `janitor_interval_s` (and once at start): the work files of kits finished more than
///   `work_retention_h` ago, then, while the state directory is larger than `max_state_mb`, the
///   work files of finished kits oldest first. A pruned kit's folder keeps a `published` note
///   with its outbox folder, from which `WorkFiles.read` takes its references if the kit is
///   published again (a follow-up order); the normalised source is remade from the original.
/// - Work folders of kits the database records as deleted (never of kits it does not know:
///   after a database loss they are all that is left). Originals are never removed: every kit keeps
///   its original, and intake reuses them for identical drops.
public struct Janitor: Sendable {
    let state: StateDirectory
    let database: RefkitDatabase
    /// The configuration in force at each sweep (a reload may change retention and size bound).
    let configuration: @Sendable () -> Configuration
    let logger: Logger
    /// Tests: runs between the sweep's reading of the kits and its removals.
    public var afterSnapshot: (@Sendable () throws -> Void)?

    public init(
        state: StateDirectory, database: RefkitDatabase, configuration: @escaping @Sendable () -> Configuration, logger: Logger
    ) {
        self.state = state
        self.database = database
        self.configuration = configuration
        self.logger = logger
    }

    public init(state: StateDirectory, database: RefkitDatabase, configuration: Configuration, logger: Logger) {
        self.init(state: state, database: database, configuration: { configuration }, logger: logger)
    }

    /// Removes crash leftovers; call only while holding the state lock, before anything writes.
    public func startupSweep() -> (stateTemporaries: Int, outboxTemporaries: Int) {
        let stateTemporaries = state.removeStaleTemporaries()
        var outboxTemporaries = 0
        for outbox in Set(configuration().watches.map(\.outbox)) {
            restoreStrandedVersions(in: outbox)
            outboxTemporaries += OutboxPublisher(outbox: outbox).removeStaleTemporaries(olderThan: 0)
        }
        return (stateTemporaries, outboxTemporaries)
    }

    /// Where the outbox cannot exchange two folders, a re-publish renames the published kit
    /// folder away (`.refkit-tmp-old-MS-*`) and then the staged one in. A crash (or a failed
    /// rename) between the two leaves the kit with no folder: its last published version is
    /// renamed back (the newest, by the manifest's kit id and the folder the database records)
    /// before the sweep removes leftovers. After the janitor pruned a kit's work files, that
    /// version is the only copy of its images.
    func restoreStrandedVersions(in outbox: String) {
        let retired = RetentionPlan.retiredNewestFirst(Self.names(in: outbox))
        guard !retired.isEmpty, let kits = readKits("restore a re-published kit's folder") else { return }
        let folders = Dictionary(kits.compactMap { kit in kit.outboxDir.map { (kit.id, $0) } }, uniquingKeysWith: { a, _ in a })
        for name in retired {
            // A leftover without a readable manifest is no kit's folder: the sweep removes it.
            guard let bytes = FileManager.default.contents(atPath: "\(outbox)/\(name)/manifest.json"),
                let manifest = try? JSONValue.parse([UInt8](bytes)), case .string(let id)? = manifest["id"],
                let folder = folders[id],
                ((folder as NSString).deletingLastPathComponent as NSString).standardizingPath == (outbox as NSString).standardizingPath,
                !FileManager.default.fileExists(atPath: folder)
            else { continue }
            if rename("\(outbox)/\(name)", folder) == 0 {
                logger.notice(
                    "a kit's published folder, renamed away by a re-publish that did not finish, is back",
                    metadata: [
                        "kit.id": "\(id)", "outbox": "\(folder)",
                    ])
            }
        }
    }

    /// Sweeps now, then every `janitor_interval_s`, until cancelled. The file work runs on a
    /// dispatch queue (it blocks), not on the cooperative pool.
    public func run() async {
        let executor = DispatchTaskExecutor(label: "refkit.janitor")
        while !Task.isCancelled {
            let report = await withTaskExecutorPreference(executor) { sweep() }
            if report.prunedKits > 0 || report.orphans > 0 {
                logger.info(
                    "janitor removed old work files",
                    metadata: [
                        "kits": "\(report.prunedKits)", "orphan_folders": "\(report.orphans)", "freed_bytes": "\(report.freedBytes)",
                        "state_bytes": "\(report.stateBytes)",
                    ])
            }
            do { try await Task.sleep(for: .seconds(configuration().daemon.janitorIntervalSeconds)) } catch { return }
        }
    }

    /// What one sweep did.
    public struct Report: Sendable, Equatable {
        public var prunedKits = 0
        public var orphans = 0
        /// Work folders of kits the database neither has nor records as deleted (kept).
        public var unknownFolders = 0
        public var freedBytes: Int64 = 0
        public var stateBytes: Int64 = 0
    }

    /// One pass of retention and size bound.
    public func sweep(now: Date = Date()) -> Report {
        let config = configuration()
        var report = Report()
        let work = WorkFiles(stateDir: state.path)
        guard let kits = readKits("sweep work files") else { return report }
        do { try afterSnapshot?() } catch { logger.warning("janitor test hook failed", metadata: ["error": "\(error)"]) }
        // Listed after the kits were read: a kit accepted meanwhile already has its work folder.
        let unknown = RetentionPlan.unknownFolders(Self.names(in: state.layout.work), knownKits: Set(kits.map(\.id)))
        let deleted: Set<String>
        do { deleted = Set(try database.deletedKitIDs(among: unknown)) } catch {
            logger.warning("cannot read the deleted kits; their work folders are kept this round", metadata: ["error": "\(error)"])
            deleted = []
        }
        for name in unknown where deleted.contains(name) && isGone(name) {
            let freed = Self.size(of: work.kitDir(name))
            if remove(work.kitDir(name)) {
                report.freedBytes += freed
                report.orphans += 1
            }
        }
        report.unknownFolders = unknown.count - deleted.count
        if report.unknownFolders > 0 {
            logger.warning(
                "work folders of kits the database does not know are kept; remove them by hand if the database is right",
                metadata: ["folders": "\(report.unknownFolders)", "kits": "\(kits.count)", "work": "\(state.layout.work)"])
        }
        let plan = RetentionPlan(
            kits: kits.map {
                .init(
                    id: $0.id, updatedAt: $0.updatedAt, finished: $0.status.isFinished, published: $0.outboxDir != nil,
                    // Listed only where the answer matters: one folder read per prunable kit.
                    hasWorkFiles: $0.status.isFinished && $0.outboxDir != nil && work.hasWorkFiles(kitID: $0.id))
            }, now: now, retentionHours: config.daemon.workRetentionHours, maxStateMB: config.daemon.maxStateMB)
        let byID = Dictionary(kits.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var pruned = Set<String>()
        for id in plan.expired {
            guard let kit = byID[id], let freed = prune(kit, work: work) else { continue }
            report.freedBytes += freed
            pruned.insert(id)
        }
        report.stateBytes = Self.size(of: state.path)
        for id in plan.candidates where plan.isOverLimit(report.stateBytes) && !pruned.contains(id) {
            guard let kit = byID[id], let freed = prune(kit, work: work) else { continue }
            report.freedBytes += freed
            report.stateBytes -= freed
            pruned.insert(id)
        }
        if plan.isOverLimit(report.stateBytes) {
            logger.warning(
                """
                the state directory is above max_state_mb with every finished kit's work files removed; \
                originals, the database and unfinished kits are kept
                """,
                metadata: ["state_bytes": "\(report.stateBytes)", "max_state_mb": "\(config.daemon.maxStateMB)"])
        }
        report.prunedKits = pruned.count
        return report
    }

    /// Asked again just before removing a deleted kit's folder: a kit that is back keeps it, as it
    /// does when the store cannot answer.
    private func isGone(_ kitID: String) -> Bool {
        do { return try database.kit(kitID) == nil } catch {
            logger.warning(
                "janitor cannot read a deleted kit; its work folder is kept", metadata: ["kit.id": "\(kitID)", "error": "\(error)"])
            return false
        }
    }

    /// Removes a finished kit's work files, leaving the note of where its kit was published.
    /// Returns the bytes freed, or nil when the kit is no longer prunable.
    private func prune(_ kit: KitRecord, work: WorkFiles) -> Int64? {
        // Asked again just before: a regenerate, retry or follow-up since the list was read
        // puts the kit back to work (and changes updated_at); its files stay, as they do when
        // the store cannot answer.
        let current: KitRecord?
        do { current = try database.kit(kit.id) } catch {
            logger.warning("janitor cannot read a kit; its work files are kept", metadata: ["kit.id": "\(kit.id)", "error": "\(error)"])
            return nil
        }
        guard let current, current.status.isFinished, current.updatedAt == kit.updatedAt, let outbox = current.outboxDir else { return nil }
        let dir = work.kitDir(kit.id)
        var freed: Int64 = 0
        for name in Self.names(in: dir) where name != WorkFiles.publishedNote {
            let size = Self.size(of: "\(dir)/\(name)")
            if remove("\(dir)/\(name)") { freed += size }
        }
        do { try work.write(Array((outbox + "\n").utf8), to: "work/\(kit.id)/\(WorkFiles.publishedNote)") } catch {
            // Without the note a follow-up order cannot find the kit's published references.
            logger.error(
                "cannot write a pruned kit's published note", metadata: ["kit.id": "\(kit.id)", "outbox": "\(outbox)", "error": "\(error)"])
        }
        return freed
    }

    /// Bytes on disk below `path` (allocated blocks, symlinks not followed).
    public static func size(of path: String) -> Int64 {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        var total = Int64(info.st_blocks) * 512
        if info.st_mode & S_IFMT == S_IFDIR {
            for name in names(in: path) { total += size(of: "\(path)/\(name)") }
        }
        return total
    }

    /// The names in a folder; none when it is missing or cannot be read (nothing to sweep there:
    /// what writes to it reports its own failures).
    static func names(in folder: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    }

    /// Removes a file or folder; a failure is logged and the next sweep tries again.
    private func remove(_ path: String) -> Bool {
        do {
            try FileManager.default.removeItem(atPath: path)
            return true
        } catch {
            logger.warning("janitor cannot remove a file", metadata: ["path": "\(path)", "error": "\(error)"])
            return false
        }
    }

    /// Every kit, or nil (logged) when the store cannot be read: the janitor then does nothing.
    private func readKits(_ purpose: String) -> [KitRecord]? {
        do { return try database.kits() } catch {
            logger.warning("janitor cannot read the kits; skipped", metadata: ["task": "\(purpose)", "error": "\(error)"])
            return nil
        }
    }
}
