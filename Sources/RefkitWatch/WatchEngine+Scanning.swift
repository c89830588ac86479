import Glibc
import Logging
import RefkitSystem

extension WatchEngine {
    // MARK: - Scanning

    /// Scans the whole root and reconciles its tracker with what exists; `reason` nil is a
    /// routine poll scan, which reports no `.rescanned`.
    func fullScan(_ index: Int, reason: RescanReason?) {
        if roots[index].identity == nil, let reason = openRoot(index) {
            pause(index, reason: reason)
            return
        }
        guard let status = FileSnapshot.lstatOf(roots[index].path), status.kind == .directory else {
            pause(index, reason: rootReplaced(index) ?? "root folder is missing or not a folder")
            return
        }
        if let device = roots[index].device, device != status.device {
            pause(index, reason: "root folder is on another file system now (device changed)")
            return
        }
        if let reason = rootReplaced(index) {
            pause(index, reason: reason)
            return
        }
        roots[index].device = status.device
        let watching = roots[index].mode == .inotify
        guard let walk = walk(index, from: "", watching: watching) else {
            pause(index, reason: "root folder vanished during a scan")
            return
        }
        if watching { replaceWatches(index, with: walk.folders) }
        roots[index].tracker.reconcile(found: walk.found, now: now())
        reportUndecodable(index, walk.undecodable, wholeRoot: true)
        if walk.watchLimitReached {
            fallBackToPolling(index, reason: "inotify watch limit (fs.inotify.max_user_watches) reached")
        }
        if let reason {
            emit(.rescanned(root: roots[index].config.name, reason: reason, entries: walk.found.count))
        }
    }

    struct Walk {
        var found: [String: FileSnapshot] = [:]
        /// Entries whose names are not UTF-8, by folder.
        var undecodable: [(folder: String, entry: DirectoryListing.RawEntry)] = []
        var folders: [String: Int32] = [:]
        var watchLimitReached = false
    }

    /// Lists `start` (and, in recursive mode, every folder below it), adding each folder's
    /// watch before listing it so nothing created in between is missed. Nil when `start`
    /// itself cannot be listed.
    func walk(_ index: Int, from start: String, watching: Bool) -> Walk? {
        let root = roots[index]
        guard let handle = openVerifiedRoot(index) else { return nil }
        defer { close(handle) }
        var result = Walk()
        var stack = [start]
        var seen = Set<SettleKey>()
        while let folder = stack.popLast() {
            let path = root.absolute(folder)
            if watching && !result.watchLimitReached {
                var mask = InotifyMask.inboxFolder
                if !folder.isEmpty { mask.insert(.dontFollow) }
                do {
                    result.folders[folder] = try inotify.addWatch(path: Self.watchPath(handle, folder), mask: mask)
                } catch {
                    switch error.errno.rawValue {
                    case ENOSPC:
                        result.watchLimitReached = true
                    case ENOENT, ENOTDIR:
                        if folder == start { return nil }
                        continue
                    default:
                        logger.warning(
                            "cannot watch inbox folder",
                            metadata: [
                                "watch.root": "\(root.config.name)", "watch.path": "\(path)", "error": "\(error)",
                            ])
                    }
                }
            }
            let entries: [DirectoryListing.Entry]
            switch DirectoryListing.list(beneath: handle, folder) {
            case .failed(let error):
                if folder == start { return nil }
                logger.debug(
                    "cannot list inbox folder",
                    metadata: [
                        "watch.root": "\(root.config.name)", "watch.path": "\(path)", "error": "\(error)",
                    ])
                continue
            case .listed(let listed, let undecodable):
                entries = listed
                result.undecodable += undecodable.map { (folder, $0) }
            }
            for entry in entries where !root.filter.isIgnored(entry.name) {
                let relative = Self.join(folder, entry.name)
                if entry.snapshot.kind == .directory && root.config.recursive {
                    // A bind mount could loop back into the tree.
                    if seen.insert(entry.snapshot.identity).inserted { stack.append(relative) }
                } else {
                    result.found[relative] = entry.snapshot
                }
            }
        }
        return result
    }

    // MARK: - Watches

    func replaceWatches(_ index: Int, with folders: [String: Int32]) {
        let kept = Set(folders.values)
        for (_, watch) in roots[index].folders where !kept.contains(watch) {
            inotify.removeWatch(watch)
            watchOwners[watch] = nil
        }
        roots[index].folders = folders
        for (folder, watch) in folders { claim(watch, root: index, folder: folder) }
    }

    func addWatches(_ index: Int, _ folders: [String: Int32]) {
        for (folder, watch) in folders {
            if let old = roots[index].folders[folder], old != watch {
                inotify.removeWatch(old)
                watchOwners[old] = nil
            }
            roots[index].folders[folder] = watch
            claim(watch, root: index, folder: folder)
        }
    }

    func claim(_ watch: Int32, root index: Int, folder: String) {
        if let owner = watchOwners[watch], owner.root != index {
            logger.warning(
                "inbox folder is watched by two roots; events go to the last one",
                metadata: [
                    "watch.root": "\(roots[index].config.name)", "watch.path": "\(roots[index].absolute(folder))",
                ])
        }
        watchOwners[watch] = (index, folder)
    }

    /// Removes the watches of `folder` and below (all of the root's when nil).
    func removeWatches(_ index: Int, under folder: String?) {
        for (watched, watch) in roots[index].folders {
            guard folder == nil || watched == folder || watched.hasPrefix(folder! + "/") else { continue }
            inotify.removeWatch(watch)
            watchOwners[watch] = nil
            roots[index].folders[watched] = nil
        }
    }
}
