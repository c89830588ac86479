import Glibc
import Logging
import RefkitSystem

extension WatchEngine {
    // MARK: - Events

    /// What one batch of events said about one entry; each entry is `lstat`ed once per batch.
    struct Touch {
        var root: Int
        var relative: String
        var left = false
        var writer: SettleTracker.WriterHint = .unknown
    }

    func process(_ events: [InotifyEvent]) {
        if events.isEmpty { return }
        var touches: [Touch] = []
        var touchIndex: [String: Int] = [:]
        var overflowed = false

        for event in events {
            if event.mask.contains(.queueOverflow) {
                overflowed = true
                continue
            }
            guard let owner = watchOwners[event.watch] else { continue }  // removed watch: stale
            let index = owner.root
            if roots[index].paused { continue }

            if event.mask.contains(.ignored) {
                watchOwners[event.watch] = nil
                if roots[index].folders[owner.folder] == event.watch { roots[index].folders[owner.folder] = nil }
                if owner.folder.isEmpty { pause(index, reason: "root folder watch was removed by the kernel") }
                continue
            }
            if event.name.isEmpty {
                if !event.mask.isDisjoint(with: .folderGone) {
                    if owner.folder.isEmpty {
                        pause(index, reason: Self.describeGone(event.mask))
                    } else {
                        removeWatches(index, under: owner.folder)
                        roots[index].tracker.forget(under: owner.folder)
                    }
                }
                continue
            }
            guard let name = String(validating: event.name, as: UTF8.self) else {
                if event.mask.isDisjoint(with: .entryLeft) { undecodableEvent(index, folder: owner.folder, name: Array(event.name)) }
                continue
            }
            if roots[index].filter.isIgnored(name) { continue }
            let relative = Self.join(owner.folder, name)

            if event.mask.contains(.isDirectory) && roots[index].config.recursive {
                if !event.mask.isDisjoint(with: .entryLeft) {
                    removeWatches(index, under: relative)
                    roots[index].tracker.forget(under: relative)
                } else if !event.mask.isDisjoint(with: .entryArrived) {
                    addSubfolder(index, relative)
                }
                continue
            }

            let key = "\(index)/\(relative)"
            let position: Int
            if let existing = touchIndex[key] {
                position = existing
            } else {
                position = touches.count
                touchIndex[key] = position
                touches.append(Touch(root: index, relative: relative))
            }
            if !event.mask.isDisjoint(with: .entryLeft) { touches[position].left = true }
            if !event.mask.isDisjoint(with: [.closeWrite, .movedTo]) {
                touches[position].writer = .closed
            } else if !event.mask.isDisjoint(with: [.create, .modify]) {
                touches[position].writer = .opened
            }
        }

        let current = now()
        for touch in touches where !roots[touch.root].paused {
            if touch.left { roots[touch.root].tracker.forget(touch.relative) }
            if let snapshot = snapshot(touch.root, touch.relative) {
                roots[touch.root].tracker.observe(touch.relative, snapshot, cause: .event(touch.writer), now: current)
            } else {
                roots[touch.root].tracker.forget(touch.relative)
            }
        }

        if overflowed {
            logger.warning("inotify queue overflowed; rescanning inbox roots", metadata: [:])
            for index in roots.indices where !roots[index].paused && roots[index].mode == .inotify {
                roots[index].tracker.forgetWriterHints()
                fullScan(index, reason: .overflow)
            }
        }
    }

    /// A new subfolder (recursive mode): watch it first, then scan it.
    func addSubfolder(_ index: Int, _ relative: String) {
        guard let walk = walk(index, from: relative, watching: roots[index].mode == .inotify) else { return }
        addWatches(index, walk.folders)
        reportUndecodable(index, walk.undecodable, wholeRoot: false)
        let current = now()
        for (path, snapshot) in walk.found {
            roots[index].tracker.observe(path, snapshot, cause: .scan, now: current)
        }
        if walk.watchLimitReached {
            fallBackToPolling(index, reason: "inotify watch limit (fs.inotify.max_user_watches) reached")
        }
    }
}
