import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitPipeline
import RefkitPublish
import RefkitStore
import RefkitSystem

#if canImport(Glibc)
import Glibc
#endif

/// Keeps the state directory and the outboxes clean.
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
struct Janitor: Sendable {
    let state: StateDirectory
    let database: RefkitDatabase
    let configuration: @Sendable () -> Configuration
    let logger: Logger
    /// Tests: runs between the sweep's reading of the kits and its removals.
    var afterSnapshot: (@Sendable () throws -> Void)?

    init(daemon: Daemon) {
        self.state = daemon.state
        self.database = daemon.database
        self.configuration = { daemon.configuration }
        self.logger = daemon.logger
    }

    init(state: StateDirectory, database: RefkitDatabase, configuration: Configuration, logger: Logger) {
        self.state = state
        self.database = database
        self.configuration = { configuration }
        self.logger = logger
    }

    /// Removes crash leftovers; call only while holding the state lock, before anything writes.
    func startupSweep() -> (stateTemporaries: Int, outboxTemporaries: Int) {
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
        let prefix = ".refkit-tmp-old-"
        let retired = Self.names(in: outbox).filter { $0.hasPrefix(prefix) }
        guard !retired.isEmpty, let kits = readKits("restore a re-published kit's folder") else { return }
        let folders = Dictionary(kits.compactMap { kit in kit.outboxDir.map { (kit.id, $0) } }, uniquingKeysWith: { a, _ in a })
        let newestFirst = retired.sorted {
            (Int64($0.dropFirst(prefix.count).prefix { $0 != "-" }) ?? 0) > (Int64($1.dropFirst(prefix.count).prefix { $0 != "-" }) ?? 0)
        }
        for name in newestFirst {
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
    func run() async {
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

    struct Report: Sendable, Equatable {
        var prunedKits = 0
        var orphans = 0
        /// Work folders of kits the database neither has nor records as deleted (kept).
        var unknownFolders = 0
        var freedBytes: Int64 = 0
        var stateBytes: Int64 = 0
    }

    /// One pass of retention and size bound.
    func sweep(now: Date = Date()) -> Report {
        let config = configuration()
        var report = Report()
        let work = WorkFiles(stateDir: state.path)
        guard let kits = readKits("sweep work files") else { return report }
        do { try afterSnapshot?() } catch { logger.warning("janitor test hook failed", metadata: ["error": "\(error)"]) }
        let byID = Dictionary(kits.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Folders of kits that are gone: only those the database records as deleted (a `delete`
        // stopped before removing its files). A folder the database knows nothing of is kept: the
        // database may have been replaced or restored from an old backup, and its kits' files are
        // then all there is. Asked again just before: a kit accepted after the list above already
        // has its work folder.
        let folders = Self.names(in: state.layout.work)
        let unknown = folders.filter { byID[$0] == nil }
        let deleted: Set<String>
        do { deleted = Set(try database.deletedKitIDs(among: unknown)) } catch {
            // Nothing is known deleted, so every such folder is kept this round.
            logger.warning("cannot read the deleted kits; their work folders are kept this round", metadata: ["error": "\(error)"])
            deleted = []
        }
        for name in unknown where deleted.contains(name) {
            // A store error, like a kit that is back, keeps the folder.
            guard (try? database.kit(name)) == .some(nil) else { continue }
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
        // Finished kits with work files, oldest first.
        let candidates = kits.filter { $0.status.isFinished && $0.outboxDir != nil && work.hasWorkFiles(kitID: $0.id) }
            .sorted { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
        let cutoff = Timestamp.string(now.addingTimeInterval(-Double(config.daemon.workRetentionHours) * 3600))
        var pruned = Set<String>()
        for kit in candidates where kit.updatedAt <= cutoff {
            guard let freed = prune(kit, work: work) else { continue }
            report.freedBytes += freed
            pruned.insert(kit.id)
        }
        report.stateBytes = Self.size(of: state.path)
        if config.daemon.maxStateMB > 0 {
            let limit = Int64(config.daemon.maxStateMB) << 20
            for kit in candidates where report.stateBytes > limit && !pruned.contains(kit.id) {
                guard let freed = prune(kit, work: work) else { continue }
                report.freedBytes += freed
                report.stateBytes -= freed
                pruned.insert(kit.id)
            }
            if report.stateBytes > limit {
                logger.warning(
                    """
                    the state directory is above max_state_mb with every finished kit's work files removed; \
                    originals, the database and unfinished kits are kept
                    """,
                    metadata: ["state_bytes": "\(report.stateBytes)", "max_state_mb": "\(config.daemon.maxStateMB)"])
            }
        }
        report.prunedKits = pruned.count
        return report
    }

    /// Removes a finished kit's work files, leaving the note of where its kit was published.
    /// Returns the bytes freed, or nil when the kit is no longer prunable.
    private func prune(_ kit: KitRecord, work: WorkFiles) -> Int64? {
        // Asked again just before: a regenerate, retry or follow-up since the list was read
        // puts the kit back to work (and changes updated_at); its files stay, as they do when
        // the store cannot answer.
        guard let current = try? database.kit(kit.id), current.status.isFinished, current.updatedAt == kit.updatedAt,
            let outbox = current.outboxDir
        else { return nil }
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
    static func size(of path: String) -> Int64 {
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
