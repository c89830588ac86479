import Foundation
import Logging
import RefkitTestSupport
import Synchronization
import Testing

@testable import RefkitWatch

/// Records what a watcher reports and lets a test await a condition on it, bounded.
final class EventRecorder: Sendable {
    typealias Predicate = @Sendable (Recorded) -> Bool

    /// Everything recorded so far; ready entries are kept apart so predicates stay cheap.
    struct Recorded: Sendable {
        var events: [InboxEvent] = []
        var readies: [InboxEntry] = []
        var count: Int { events.count }
        var isEmpty: Bool { events.isEmpty }
        func contains(_ event: InboxEvent) -> Bool { events.contains(event) }
        func contains(where predicate: (InboxEvent) -> Bool) -> Bool { events.contains(where: predicate) }
    }

    private struct Waiter {
        var predicate: Predicate
        var continuation: CheckedContinuation<Recorded?, Never>
    }

    private struct State {
        var recorded = Recorded()
        var finished = false
        var waiters: [Int: Waiter] = [:]
        var cancelled: Set<Int> = []
        var nextID = 0
    }

    private let state = Mutex(State())

    var events: [InboxEvent] { state.withLock { $0.recorded.events } }
    var readies: [InboxEntry] { state.withLock { $0.recorded.readies } }

    func record(_ event: InboxEvent) {
        state.withLock { state in
            state.recorded.events.append(event)
            if case .ready(let entry) = event { state.recorded.readies.append(entry) }
            for (id, waiter) in state.waiters where waiter.predicate(state.recorded) {
                state.waiters[id] = nil
                waiter.continuation.resume(returning: state.recorded)
            }
        }
    }

    func finish() {
        state.withLock { state in
            state.finished = true
            for (_, waiter) in state.waiters { waiter.continuation.resume(returning: nil) }
            state.waiters = [:]
        }
    }

    struct Timeout: Error, CustomStringConvertible {
        var what: String
        var events: [InboxEvent]
        var description: String { "timed out waiting for \(what); got \(events.count) events: \(events.suffix(20))" }
    }

    /// Waits until `predicate` holds for everything recorded so far; throws after `timeout`.
    @discardableResult
    func wait(
        for what: String,
        timeout: Duration = .seconds(45),
        until predicate: @escaping Predicate
    ) async throws -> Recorded {
        let result = try await withThrowingTaskGroup(of: Recorded?.self) { group in
            group.addTask { await self.waitUntil(predicate) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let result else { throw Timeout(what: what, events: events) }
        return result
    }

    /// Waits for a ready entry with this relative path (of any root).
    @discardableResult
    func ready(_ relativePath: String, timeout: Duration = .seconds(45)) async throws -> InboxEntry {
        let events = try await wait(for: "ready \(relativePath)", timeout: timeout) { events in
            events.readies.contains { $0.relativePath == relativePath }
        }
        return events.readies.first { $0.relativePath == relativePath }!
    }

    private func waitUntil(_ predicate: @escaping Predicate) async -> Recorded? {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Recorded?, Never>) in
                state.withLock { state in
                    if predicate(state.recorded) {
                        continuation.resume(returning: state.recorded)
                    } else if state.finished || state.cancelled.contains(id) {
                        continuation.resume(returning: nil)
                    } else {
                        state.waiters[id] = Waiter(predicate: predicate, continuation: continuation)
                    }
                }
            }
        } onCancel: {
            state.withLock { state in
                if let waiter = state.waiters.removeValue(forKey: id) {
                    waiter.continuation.resume(returning: nil)
                } else {
                    state.cancelled.insert(id)
                }
            }
        }
    }
}

extension Array where Element == InboxEvent {
    var readies: [InboxEntry] {
        compactMap { if case .ready(let entry) = $0 { entry } else { nil } }
    }
}

/// A fresh folder under the system temp directory, removed at the end of the test.
final class TemporaryFolder: Sendable {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("refkit-watch-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Creates (if needed) and returns a subfolder path.
    func folder(_ name: String) throws -> String {
        let folder = url.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.path
    }
}

/// Writes `bytes` bytes to `path` with plain syscalls (create, write, close).
func writeFile(_ path: String, bytes: Int, fill: UInt8 = 0x61) throws {
    let data = Data(repeating: fill, count: bytes)
    guard FileManager.default.createFile(atPath: path, contents: data) else {
        throw POSIXError(.EIO)
    }
}

/// Runs a program and waits for it; throws if it fails.
func runProgram(_ executable: String, _ arguments: [String], in directory: String? = nil) throws {
    let (status, output) = try ChildProcess.run(executable, arguments, directory: directory)
    guard status == 0 else {
        throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(executable) \(arguments) exited \(status): \(output)"])
    }
}

/// Set `WATCH_LOG=1` to see the watcher's log and every event on stderr.
let verboseWatchLog = ProcessInfo.processInfo.environment["WATCH_LOG"] != nil

func testLogger() -> Logger {
    var logger = Logger(label: "refkit.watch.test", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = verboseWatchLog ? .trace : .warning
    return logger
}

/// Runs a watcher with a recorder for the duration of `body`, then shuts it down and checks
/// that `run()` returned and the event stream finished.
func withWatcher(
    _ roots: [WatchRoot],
    rescanInterval: Duration = .seconds(300),
    pollInterval: Duration = .seconds(2),
    hooks: WatchTestHooks = WatchTestHooks(),
    _ body: (InboxWatcher, EventRecorder) async throws -> Void
) async throws {
    let watcher = InboxWatcher(
        roots: roots, rescanInterval: rescanInterval, pollInterval: pollInterval,
        logger: testLogger(), hooks: hooks
    )
    let recorder = EventRecorder()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await watcher.run() }
        group.addTask {
            for await event in watcher.events {
                if verboseWatchLog { FileHandle.standardError.write(Data("EVENT \(event)\n".utf8)) }
                recorder.record(event)
            }
            recorder.finish()
        }
        do {
            try await body(watcher, recorder)
        } catch {
            watcher.shutdown()
            try? await group.waitForAll()
            throw error
        }
        watcher.shutdown()
        try await group.waitForAll()
    }
}

/// Waits until the watcher is idle and every event it yielded was recorded, then checks
/// that no path was reported twice. Returns all ready entries.
@discardableResult
func expectIdleWithoutDuplicates(
    _ watcher: InboxWatcher,
    _ recorder: EventRecorder,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> [InboxEntry] {
    let yielded = await watcher.idle()
    let readies = try await recorder.wait(for: "\(yielded) recorded events") { $0.count >= yielded }.readies
    var seen: [String: Int] = [:]
    for entry in readies { seen["\(entry.watch)/\(entry.relativePath)", default: 0] += 1 }
    let duplicates = seen.filter { $0.value > 1 }
    #expect(duplicates.isEmpty, "reported more than once: \(duplicates.keys.sorted().prefix(10))", sourceLocation: sourceLocation)
    return readies
}

func lstatOf(_ path: String) -> stat {
    var status = stat()
    lstat(path, &status)
    return status
}
