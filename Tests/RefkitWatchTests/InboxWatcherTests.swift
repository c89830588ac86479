import Foundation
import Testing

@testable import RefkitWatch

/// Real inotify on temporary folders. Waits are on events, bounded by `.timeLimit`.
@Suite("InboxWatcher", .timeLimit(.minutes(1)))
struct InboxWatcherTests {
    @Test("a file copied in with cp is reported once, with its final size")
    func copiedFile() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        let source = try temp.folder("elsewhere") + "/mira.jpg"
        try writeFile(source, bytes: 300_000)
        try await withWatcher([WatchRoot(name: "manual", path: inbox, settle: .milliseconds(300))]) { watcher, recorder in
            try await recorder.wait(for: "startup rescan") { $0.contains(.rescanned(root: "manual", reason: .startup, entries: 0)) }
            try runProgram("/bin/cp", [source, inbox + "/mira.jpg"])
            let entry = try await recorder.ready("mira.jpg")
            let status = lstatOf(inbox + "/mira.jpg")
            #expect(entry.watch == "manual")
            #expect(entry.path == inbox + "/mira.jpg")
            #expect(entry.kind == .regular)
            #expect(entry.size == 300_000)
            #expect(entry.inode == UInt64(status.st_ino))
            #expect(entry.device == UInt64(status.st_dev))
            #expect(entry.linkCount == 1)
            #expect(entry.mtimeNanos == Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec))
            let readies = try await expectIdleWithoutDuplicates(watcher, recorder)
            #expect(readies.map(\.relativePath) == ["mira.jpg"])
        }
    }

    @Test("a file moved in with mv from another folder is reported")
    func movedInFile() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        let outside = try temp.folder("outside")
        try writeFile(outside + "/kai.png", bytes: 12_345)
        try await withWatcher([WatchRoot(name: "manual", path: inbox, settle: .milliseconds(300))]) { watcher, recorder in
            try await recorder.wait(for: "startup rescan") {
                !$0.isEmpty && $0.contains { if case .rescanned = $0 { true } else { false } }
            }
            try runProgram("/bin/mv", [outside + "/kai.png", inbox + "/kai.png"])
            let entry = try await recorder.ready("kai.png")
            #expect(entry.size == 12_345)
            try await expectIdleWithoutDuplicates(watcher, recorder)
        }
    }

    @Test("an entry moved out and back in is reported again; unchanged entries are not")
    func movedOutAndBack() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        let outside = try temp.folder("outside")
        try await withWatcher([WatchRoot(name: "manual", path: inbox, settle: .milliseconds(200))]) { watcher, recorder in
            try writeFile(inbox + "/a.jpg", bytes: 10)
            try await recorder.ready("a.jpg")
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: inbox + "/a.jpg")  // IN_ATTRIB only
            try await expectIdleWithoutDuplicates(watcher, recorder)
            try runProgram("/bin/mv", [inbox + "/a.jpg", outside + "/a.jpg"])
            try runProgram("/bin/mv", [outside + "/a.jpg", inbox + "/a.jpg"])
            try await recorder.wait(for: "a.jpg reported twice") { $0.readies.filter { $0.relativePath == "a.jpg" }.count == 2 }
            let yielded = await watcher.idle()
            let events = try await recorder.wait(for: "idle") { $0.count >= yielded }
            #expect(events.readies.count == 2)
        }
    }

    @Test("a dot-temp file renamed to its real name is reported under the real name only")
    func dotTempRename() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        try await withWatcher([WatchRoot(name: "manual", path: inbox, settle: .milliseconds(300))]) { watcher, recorder in
            try writeFile(inbox + "/.mira.jpg.Ab12Cd", bytes: 4_000)
            #expect(rename(inbox + "/.mira.jpg.Ab12Cd", inbox + "/mira.jpg") == 0)
            let entry = try await recorder.ready("mira.jpg")
            #expect(entry.size == 4_000)
            let readies = try await expectIdleWithoutDuplicates(watcher, recorder)
            #expect(readies.map(\.relativePath) == ["mira.jpg"])
        }
    }

    @Test("a slow writer's file is reported once, after its last chunk, with its final size")
    func slowWriter() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        let chunk = Data(repeating: 0x42, count: 64 * 1024)
        // Settle 3 s against 450 ms gaps: a loaded test machine can stretch a gap past 1 s.
        try await withWatcher([WatchRoot(name: "manual", path: inbox, settle: .seconds(3))]) { watcher, recorder in
            let path = inbox + "/slow.jpg"
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            // The slow writer: 5 chunks over about 2 seconds, each gap shorter than the settle time.
            for index in 0..<5 {
                if index > 0 { try await Task.sleep(for: .milliseconds(450)) }
                try handle.write(contentsOf: chunk)
                #expect(recorder.readies.isEmpty, "reported before the last chunk")
            }
            try handle.close()
            let entry = try await recorder.ready("slow.jpg")
            #expect(entry.size == Int64(5 * chunk.count))
            let readies = try await expectIdleWithoutDuplicates(watcher, recorder)
            #expect(readies.count == 1)
        }
    }

    @Test("tar x of 200 files reports each once with its final size")
    func tarExtraction() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        let staging = try temp.folder("staging")
        var sizes: [String: Int64] = [:]
        for index in 0..<200 {
            let name = String(format: "img%03d.jpg", index)
            let size = index * 97 + 1
            try writeFile(staging + "/" + name, bytes: size)
            sizes[name] = Int64(size)
        }
        let archive = temp.path + "/batch.tar"
        try runProgram("/bin/tar", ["cf", archive, "-C", staging] + sizes.keys.sorted())
        try await withWatcher([WatchRoot(name: "bulk", path: inbox, settle: .milliseconds(500))]) { watcher, recorder in
            try await recorder.wait(for: "startup rescan") { $0.contains(.rescanned(root: "bulk", reason: .startup, entries: 0)) }
            try runProgram("/bin/tar", ["xf", archive, "-C", inbox])
            try await recorder.wait(for: "200 ready entries") { Set($0.readies.map(\.relativePath)).count == 200 }
            let readies = try await expectIdleWithoutDuplicates(watcher, recorder)
            #expect(readies.count == 200)
            for entry in readies {
                #expect(entry.size == sizes[entry.relativePath], "\(entry.relativePath)")
                let status = lstatOf(entry.path)
                #expect(entry.mtimeNanos == Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec))
            }
        }
    }

    @Test("files present before start are found by the startup rescan, announced first")
    func startupRescan() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        for name in ["one.jpg", "two.png", "three.webp"] { try writeFile(inbox + "/" + name, bytes: 100) }
        try writeFile(inbox + "/four.jpg.part", bytes: 100)
        try await withWatcher([WatchRoot(name: "manual", path: inbox, settle: .milliseconds(200))]) { watcher, recorder in
            try await recorder.wait(for: "3 ready entries") { $0.readies.count == 3 }
            let events = recorder.events
            let modeFirst = if case .modeChosen("manual", .inotify, _) = events.first { true } else { false }
            #expect(modeFirst)
            let rescanned = events.firstIndex(of: .rescanned(root: "manual", reason: .startup, entries: 3))
            let firstReady = events.firstIndex { if case .ready = $0 { true } else { false } }
            #expect(rescanned != nil)
            #expect(rescanned! < firstReady!)
            let readies = try await expectIdleWithoutDuplicates(watcher, recorder)
            #expect(Set(readies.map(\.relativePath)) == ["one.jpg", "two.png", "three.webp"])
        }
    }

    @Test("ignored names are never reported")
    func ignoredNames() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        let root = WatchRoot(name: "manual", path: inbox, settle: .milliseconds(200), ignore: ["*.txt", "thumbs.db"])
        try writeFile(inbox + "/.before.jpg", bytes: 5)
        try await withWatcher([root]) { watcher, recorder in
            for name in [
                ".hidden.jpg", ".mira.jpg.a1B2c3", "big.jpg.part", "x.TMP", "dl.jpg.crdownload",
                "~$report.docx", "notes.txt", "thumbs.db",
            ] {
                try writeFile(inbox + "/" + name, bytes: 10)
            }
            try writeFile(inbox + "/keep.jpg", bytes: 10)
            try await recorder.ready("keep.jpg")
            let readies = try await expectIdleWithoutDuplicates(watcher, recorder)
            #expect(readies.map(\.relativePath) == ["keep.jpg"])
        }
    }

    @Test("symlinks, FIFOs, sockets and folders are reported with their kind, never opened")
    func specialEntries() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        try await withWatcher([WatchRoot(name: "manual", path: inbox, settle: .milliseconds(200))]) { watcher, recorder in
            let target = "/etc/hostname"
            #expect(symlink(target, inbox + "/link.jpg") == 0)
            #expect(symlink(inbox + "/pipe.jpg", inbox + "/to-fifo.jpg") == 0)
            // A FIFO the watcher opened would block its thread forever: nothing would settle after it.
            #expect(mkfifo(inbox + "/pipe.jpg", 0o644) == 0)
            let socketFD = try bindUnixSocket(inbox + "/s.sock")
            defer { close(socketFD) }
            try FileManager.default.createDirectory(atPath: inbox + "/folder.jpg", withIntermediateDirectories: false)
            try writeFile(inbox + "/last.jpg", bytes: 1)
            try await recorder.wait(for: "6 entries") { $0.readies.count == 6 }
            let readies = try await expectIdleWithoutDuplicates(watcher, recorder)
            let kinds = Dictionary(uniqueKeysWithValues: readies.map { ($0.relativePath, $0.kind) })
            #expect(
                kinds == [
                    "link.jpg": .symlink, "to-fifo.jpg": .symlink, "pipe.jpg": .fifo, "s.sock": .socket,
                    "folder.jpg": .directory, "last.jpg": .regular,
                ])
            // lstat, not stat: a symlink's size is the length of its target.
            #expect(readies.first { $0.relativePath == "link.jpg" }?.size == Int64(target.utf8.count))
        }
    }

    @Test("recursive mode: a file written right after mkdir -p of its folders is reported")
    func recursiveNewSubfolder() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        try await withWatcher([WatchRoot(name: "tree", path: inbox, recursive: true, settle: .milliseconds(200))]) { watcher, recorder in
            try await recorder.wait(for: "startup rescan") { $0.contains(.rescanned(root: "tree", reason: .startup, entries: 0)) }
            try runProgram("/bin/sh", ["-c", "mkdir -p a/b && printf 'data' > a/b/x.jpg"], in: inbox)
            let entry = try await recorder.ready("a/b/x.jpg")
            #expect(entry.size == 4)
            #expect(entry.path == inbox + "/a/b/x.jpg")
            // Only a watch on a/b (not the 5-minute rescan) can see this one in time.
            try writeFile(inbox + "/a/b/y.jpg", bytes: 7)
            try await recorder.ready("a/b/y.jpg")
            // A folder moved in with content is watched and scanned too.
            let outside = try temp.folder("outside/c")
            try writeFile(outside + "/z.jpg", bytes: 3)
            try runProgram("/bin/mv", [outside, inbox + "/a/c"])
            try await recorder.ready("a/c/z.jpg")
            try writeFile(inbox + "/a/c/w.jpg", bytes: 3)
            try await recorder.ready("a/c/w.jpg")
            let readies = try await expectIdleWithoutDuplicates(watcher, recorder)
            #expect(Set(readies.map(\.relativePath)) == ["a/b/x.jpg", "a/b/y.jpg", "a/c/z.jpg", "a/c/w.jpg"])
        }
    }

    @Test(
        "an IN_Q_OVERFLOW from a real flood is recovered by a rescan; every file reported once",
        .enabled(if: maxQueuedEvents().map { $0 <= 65_536 } ?? false))
    func queueOverflow() async throws {
        let queueLimit = try #require(maxQueuedEvents())
        // Each file makes at least IN_CREATE, IN_MODIFY and IN_CLOSE_WRITE: far above the queue limit.
        let fileCount = queueLimit / 2 + 1_000
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        try await withWatcher([WatchRoot(name: "flood", path: inbox, settle: .milliseconds(200))]) { watcher, recorder in
            try await recorder.wait(for: "startup rescan") { $0.contains(.rescanned(root: "flood", reason: .startup, entries: 0)) }
            await watcher.pauseReading()
            for index in 0..<fileCount {
                let descriptor = open(inbox + "/f\(index).jpg", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                try #require(descriptor >= 0)
                var byte = UInt8(truncatingIfNeeded: index)
                _ = write(descriptor, &byte, 1)
                close(descriptor)
            }
            watcher.resumeReading()
            try await recorder.wait(for: "overflow rescan") {
                $0.contains { if case .rescanned(_, .overflow, _) = $0 { true } else { false } }
            }
            try await recorder.wait(for: "\(fileCount) ready entries") { $0.readies.count >= fileCount }
            let readies = try await expectIdleWithoutDuplicates(watcher, recorder)
            #expect(readies.count == fileCount)
            #expect(Set(readies.map(\.relativePath)) == Set((0..<fileCount).map { "f\($0).jpg" }))
        }
    }

    @Test("a removed root pauses; recreated, it resumes and its new files are found")
    func removedRoot() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        try writeFile(inbox + "/old.jpg", bytes: 10)
        try await withWatcher(
            [WatchRoot(name: "manual", path: inbox, settle: .milliseconds(200))],
            pollInterval: .milliseconds(200)
        ) { watcher, recorder in
            try await recorder.ready("old.jpg")
            try FileManager.default.removeItem(atPath: inbox)
            try await recorder.wait(for: "rootPaused") { $0.contains { if case .rootPaused("manual", _) = $0 { true } else { false } } }
            try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: false)
            try writeFile(inbox + "/new.jpg", bytes: 20)
            try await recorder.wait(for: "rootResumed") { $0.contains(.rootResumed(root: "manual")) }
            let entry = try await recorder.ready("new.jpg")
            #expect(entry.size == 20)
            let events = try await recorder.wait(for: "resumed rescan") {
                $0.contains { if case .rescanned("manual", .resumed, _) = $0 { true } else { false } }
            }
            #expect(events.readies.map(\.relativePath) == ["old.jpg", "new.jpg"])
            try await expectIdleWithoutDuplicates(watcher, recorder)
        }
    }

    @Test("a root moved away pauses; moved back, unchanged files are not reported again")
    func movedRoot() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        try writeFile(inbox + "/kept.jpg", bytes: 10)
        try await withWatcher(
            [WatchRoot(name: "manual", path: inbox, settle: .milliseconds(200))],
            pollInterval: .milliseconds(200)
        ) { watcher, recorder in
            try await recorder.ready("kept.jpg")
            try runProgram("/bin/mv", [inbox, temp.path + "/parked"])
            try await recorder.wait(for: "rootPaused") { $0.contains { if case .rootPaused("manual", _) = $0 { true } else { false } } }
            // Changes in the moved-away folder are not the inbox's.
            try writeFile(temp.path + "/parked/elsewhere.jpg", bytes: 5)
            try FileManager.default.removeItem(atPath: temp.path + "/parked/elsewhere.jpg")
            try runProgram("/bin/mv", [temp.path + "/parked", inbox])
            try await recorder.wait(for: "resumed rescan") {
                $0.contains { if case .rescanned("manual", .resumed, 1) = $0 { true } else { false } }
            }
            let readies = try await expectIdleWithoutDuplicates(watcher, recorder)
            #expect(readies.map(\.relativePath) == ["kept.jpg"])
        }
    }

    @Test("polling mode finds new, existing and changed files")
    func pollingMode() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        try writeFile(inbox + "/before.jpg", bytes: 10)
        let root = WatchRoot(name: "nfs", path: inbox, recursive: true, settle: .milliseconds(200), mode: .poll)
        try await withWatcher([root], pollInterval: .milliseconds(200)) { watcher, recorder in
            try await recorder.wait(for: "modeChosen") { $0.contains(.modeChosen(root: "nfs", mode: .poll, reason: "configured")) }
            try await recorder.ready("before.jpg")
            try FileManager.default.createDirectory(atPath: inbox + "/sub", withIntermediateDirectories: false)
            try writeFile(inbox + "/sub/after.jpg", bytes: 30)
            let entry = try await recorder.ready("sub/after.jpg")
            #expect(entry.size == 30)
            try await expectIdleWithoutDuplicates(watcher, recorder)
            try FileManager.default.removeItem(atPath: inbox + "/before.jpg")
            try writeFile(inbox + "/before.jpg", bytes: 11)
            let events = try await recorder.wait(for: "before.jpg again") {
                $0.readies.filter { $0.relativePath == "before.jpg" }.count == 2
            }
            #expect(events.readies.last { $0.relativePath == "before.jpg" }?.size == 11)
        }
    }

    @Test("auto mode watches a local file system with inotify")
    func autoModeOnLocalFileSystem() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        try await withWatcher([WatchRoot(name: "manual", path: inbox)]) { _, recorder in
            let events = try await recorder.wait(for: "modeChosen") {
                $0.contains { if case .modeChosen("manual", .inotify, _) = $0 { true } else { false } }
            }
            if case .modeChosen(_, _, let reason) = events.events.first! {
                #expect(reason.hasPrefix("local file system") || reason.contains("unknown"))
            }
        }
    }

    @Test("more folders than 80% of the watch limit are reported")
    func watchLimit() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        for name in ["a", "b", "c", "d", "e/f"] { _ = try temp.folder("inbox/" + name) }
        var hooks = WatchTestHooks()
        hooks.watchLimit = 6
        try await withWatcher([WatchRoot(name: "tree", path: inbox, recursive: true)], hooks: hooks) { _, recorder in
            try await recorder.wait(for: "watchLimit") { $0.contains(.watchLimit(folders: 7, limit: 6)) }
        }
    }

    @Test("a requested rescan announces itself and reports nothing twice")
    func requestedRescan() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        try await withWatcher([WatchRoot(name: "manual", path: inbox, settle: .milliseconds(200))]) { watcher, recorder in
            try writeFile(inbox + "/a.jpg", bytes: 10)
            try await recorder.ready("a.jpg")
            watcher.rescan(root: "manual")
            try await recorder.wait(for: "requested rescan") { $0.contains(.rescanned(root: "manual", reason: .requested, entries: 1)) }
            let readies = try await expectIdleWithoutDuplicates(watcher, recorder)
            #expect(readies.count == 1)
        }
    }

    @Test("periodic rescans run on their interval and report nothing twice")
    func periodicRescan() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        try writeFile(inbox + "/a.jpg", bytes: 10)
        try await withWatcher(
            [WatchRoot(name: "manual", path: inbox, settle: .milliseconds(100))],
            rescanInterval: .milliseconds(300)
        ) { watcher, recorder in
            try await recorder.ready("a.jpg")
            try await recorder.wait(for: "two periodic rescans") { recorded in
                recorded.events.filter { $0 == .rescanned(root: "manual", reason: .periodic, entries: 1) }.count >= 2
            }
            let readies = try await expectIdleWithoutDuplicates(watcher, recorder)
            #expect(readies.count == 1)
        }
    }

    @Test("idle() asked before run() waits for the startup entries; after shutdown it returns at once")
    func idleAroundRun() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        try writeFile(inbox + "/early.jpg", bytes: 10)
        let watcher = InboxWatcher(roots: [WatchRoot(name: "manual", path: inbox, settle: .milliseconds(100))], logger: testLogger())
        async let idleCount = watcher.idle()
        let running = Task { try await watcher.run() }
        let yielded = await idleCount
        var seen: [InboxEvent] = []
        for await event in watcher.events {
            seen.append(event)
            if seen.count == yielded { break }
        }
        // modeChosen, rescanned(startup), ready(early.jpg)
        #expect(yielded == 3)
        #expect(seen.compactMap { if case .ready(let entry) = $0 { entry.relativePath } else { nil } } == ["early.jpg"])
        watcher.shutdown()
        try await running.value
        #expect(await watcher.idle() == 3)
    }

    @Test("shutdown returns run() and finishes events; so does cancellation and an early shutdown")
    func shutdownAndCancellation() async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        let roots = [WatchRoot(name: "manual", path: inbox)]

        let cancelled = InboxWatcher(roots: roots, logger: testLogger())
        let task = Task { try await cancelled.run() }
        var iterator = cancelled.events.makeAsyncIterator()
        _ = await iterator.next()  // running
        task.cancel()
        try await task.value
        while await iterator.next() != nil {}

        let early = InboxWatcher(roots: roots, logger: testLogger())
        early.shutdown()
        try await early.run()
        for await _ in early.events {}

        let twice = InboxWatcher(roots: roots, logger: testLogger())
        let first = Task { try await twice.run() }
        var twiceEvents = twice.events.makeAsyncIterator()
        _ = await twiceEvents.next()
        await #expect(throws: WatchError.self) { try await twice.run() }
        twice.shutdown()
        try await first.value
    }
}

func maxQueuedEvents() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8) else { return nil }
    return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
}

/// Binds a Unix socket at `path` (which makes the socket file) and returns its descriptor.
func bindUnixSocket(_ path: String) throws -> Int32 {
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw POSIXError(.EIO) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw POSIXError(.ENAMETOOLONG) }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard result == 0 else {
        close(descriptor)
        throw POSIXError(.EADDRINUSE)
    }
    return descriptor
}

/// A watch never leaves its root: an inbox replaced by a symlink (or configured as one) is
/// never followed, so nothing of the link's target is ever reported.
@Suite("Inbox watcher: symlinked roots", .timeLimit(.minutes(2)))
struct SymlinkedRootTests {
    static func isPaused(_ event: InboxEvent, _ root: String) -> Bool {
        if case .rootPaused(let name, _) = event { name == root } else { false }
    }

    @Test(
        "an inbox replaced by a symlink at run time pauses and stays paused; its target is never read",
        arguments: [WatchMode.inotify, .poll])
    func replacedBySymlink(mode: WatchMode) async throws {
        let temp = try TemporaryFolder()
        let inbox = try temp.folder("inbox")
        let elsewhere = try temp.folder("elsewhere")
        let witness = try temp.folder("witness")
        try writeFile(inbox + "/own.jpg", bytes: 10)
        try writeFile(elsewhere + "/foreign.jpg", bytes: 7)
        let roots = [
            WatchRoot(name: "manual", path: inbox, settle: .milliseconds(100), mode: mode),
            WatchRoot(name: "witness", path: witness, settle: .milliseconds(100), mode: mode),
        ]
        try await withWatcher(roots, pollInterval: .milliseconds(100)) { watcher, recorder in
            try await recorder.ready("own.jpg")
            try runProgram("/bin/mv", [inbox, temp.path + "/parked"])
            #expect(symlink(elsewhere, inbox) == 0)
            try await recorder.wait(for: "rootPaused") { $0.contains { Self.isPaused($0, "manual") } }
            // A file written in the target and one settling in the other root: by the time the
            // second is reported, the paused root has been checked again many times.
            try writeFile(elsewhere + "/later.jpg", bytes: 9)
            try writeFile(witness + "/w.jpg", bytes: 3)
            try await recorder.ready("w.jpg")
            let events = recorder.events
            #expect(!events.contains(.rootResumed(root: "manual")), "\(events)")
            let reported = recorder.readies.map(\.relativePath)
            #expect(reported.sorted() == ["own.jpg", "w.jpg"], "\(reported)")
            let reason = events.compactMap { if case .rootPaused("manual", let why) = $0 { why } else { nil } }.first ?? ""
            // Which one depends on when the scan looked: between the move and the link, or after.
            #expect(["symlink", "moved", "missing"].contains { reason.contains($0) }, "\(reason)")
        }
    }

    @Test("a root configured as a symlink is refused (paused) from the start")
    func configuredSymlink() async throws {
        let temp = try TemporaryFolder()
        let real = try temp.folder("real")
        try writeFile(real + "/inside.jpg", bytes: 4)
        #expect(symlink(real, temp.path + "/inbox") == 0)
        try await withWatcher(
            [WatchRoot(name: "manual", path: temp.path + "/inbox", settle: .milliseconds(100))],
            pollInterval: .milliseconds(100)
        ) { _, recorder in
            let events = try await recorder.wait(for: "rootPaused") { $0.contains { Self.isPaused($0, "manual") } }
            let reason = "root folder is a symlink; refkit never follows one (configure the folder it points to)"
            #expect(events.contains(.rootPaused(root: "manual", reason: reason)))
            #expect(events.readies.isEmpty)
        }
    }
}
