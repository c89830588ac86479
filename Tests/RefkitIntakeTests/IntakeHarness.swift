import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitIntake
import RefkitStore
import RefkitTestSupport
import RefkitWatch
import Synchronization

/// Runs intake the way `Daemon.run` wires it (the watcher's `.ready` entries handed to
/// `IntakeService.handle`), over real inotify on temporary folders, until a test stops it.
/// Waits are bounded and follow what happens: `waitUntil` awaits `watcher.idle()`, then every
/// yielded event being handled, then `intake.isIdle` and the test's own condition, re-checked
/// each time intake publishes an `IntakeEvent` or is handed another watcher event.
final class IntakeHarness: Sendable {
    let directory: TemporaryDirectory
    let folders: IntakeFolders
    let configuration: Configuration
    let database: RefkitDatabase
    let intake: IntakeService
    let watcher: InboxWatcher
    let watchName: String
    /// Watcher events handled and intake events seen so far (the runner tasks hold this, not
    /// the harness, so a test that fails early still releases the harness and the watcher).
    private let progress = IntakeProgress()
    private let runner = Mutex<Task<Void, any Error>?>(nil)
    private let listener = Mutex<Task<Void, Never>?>(nil)

    /// Folders in a fresh temporary directory; the configuration from `IntakeFolders.configText`;
    /// `clock` times intake's pairing waits.
    convenience init(
        settleMs: Int = 200, sidecarWaitMs: Int = 300, imageWaitMs: Int = 800, maxSourceBytes: Int? = nil,
        defaultStages: String = "turnaround", clock: some Clock<Duration> = ContinuousClock()
    ) throws {
        let directory = try TemporaryDirectory("intake")
        let folders = try IntakeFolders(in: directory)
        let text = folders.configText(
            settleMs: settleMs, sidecarWaitMs: sidecarWaitMs, imageWaitMs: imageWaitMs, maxSourceBytes: maxSourceBytes,
            defaultStages: defaultStages)
        try self.init(directory: directory, folders: folders, configText: text, clock: clock)
    }

    init(
        directory: TemporaryDirectory, folders: IntakeFolders, configText: String, clock: some Clock<Duration> = ContinuousClock()
    ) throws {
        self.directory = directory
        self.folders = folders
        configuration = try ConfigurationLoader.parse(text: configText, file: "\(directory.path)/refkit.toml", relativeTo: directory.path)
        watchName = configuration.watches[0].name
        database = try RefkitDatabase(path: "\(configuration.stateDir)/refkit.sqlite")
        intake = try IntakeService(configuration: configuration, database: database, logger: Self.logger, clock: clock)
        let roots = configuration.watches.map(\.watchRoot)
        watcher = InboxWatcher(
            roots: roots, rescanInterval: .seconds(configuration.daemon.rescanIntervalSeconds),
            pollInterval: .milliseconds(configuration.daemon.pollIntervalMs), logger: Self.logger)
    }

    /// Quiet unless `REFKIT_TEST_LOG` is set.
    static let logger: Logger = {
        if ProcessInfo.processInfo.environment["REFKIT_TEST_LOG"] != nil {
            var logger = Logger(label: "refkit.test", factory: { StreamLogHandler.standardError(label: $0) })
            logger.logLevel = .debug
            return logger
        }
        return Logger(label: "refkit.test", factory: { _ in SwiftLogNoOpLogHandler() })
    }()

    var inbox: String { folders.inbox }
    var rejected: String { folders.rejected }

    /// Starts watching (with the start-up rescan) and handing settled entries to intake, as
    /// `Daemon.run` does after releasing the claims of a stopped run.
    /// Starts the watcher and intake and returns once the start-up scan is done and inotify
    /// watches every folder, so what a test writes next is seen as it happens.
    func start() async throws {
        try database.releaseUnfinishedClaims()
        let watcher = self.watcher
        let intake = self.intake
        let progress = self.progress
        let events = intake.events.subscribe()
        listener.withLock { $0 = Task { for await event in events { progress.record(event) } } }
        let task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await watcher.run() }
                group.addTask {
                    for await event in watcher.events {
                        if case .ready(let entry) = event {
                            await intake.handle(entry)
                        } else if case .undecodableName(let entry) = event {
                            await intake.handle(undecodable: entry)
                        }
                        progress.handledWatcherEvent()
                    }
                }
                try await group.waitForAll()
            }
        }
        runner.withLock { $0 = task }
        _ = await watcher.idle()
    }

    deinit {
        // A test that threw before `stop()`: end the watch thread anyway.
        watcher.shutdown()
        runner.withLock { $0?.cancel() }
        listener.withLock { $0?.cancel() }
    }

    /// Stops the watcher and intake's pairing timer; rethrows what the watcher threw.
    func stop() async throws {
        watcher.shutdown()
        let task = runner.withLock { $0 }
        try await task?.value
        await intake.shutdown()
        await listener.withLock { $0 }?.value
    }

    /// Waits until the watcher has settled everything it saw, intake handled every event and
    /// has no pairing waiting, and then `condition` holds. Bounded by `timeout`.
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(40), _ condition: @Sendable () async throws -> Bool = { true }
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let seen = progress.version
            let idle = try await watcherIdle(before: deadline)
            while true {
                let handling = progress.version
                if progress.handled >= idle { break }
                guard await progress.wait(past: handling, until: deadline) else {
                    throw TimedOut("timed out after \(timeout) waiting for intake handling \(idle) watcher events; \(await summary())")
                }
            }
            if await intake.isIdle, try await condition() { return }
            guard await progress.wait(past: seen, until: deadline) else {
                throw TimedOut("timed out after \(timeout) waiting for \(what); \(await summary())")
            }
        }
    }

    /// Waits for intake to publish `times` events `matching` (since `start()`), bounded by `timeout`.
    func waitForEvent(
        _ what: String, times: Int = 1, timeout: Duration = .seconds(30), _ matching: @escaping @Sendable (IntakeEvent) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let seen = progress.version
            if progress.events.filter(matching).count >= times { return }
            guard await progress.wait(past: seen, until: deadline) else {
                throw TimedOut("timed out after \(timeout) waiting for \(what); events \(progress.events); \(await summary())")
            }
        }
    }

    /// Waits for intake to say (`times` times) that `file` waits for its partner.
    func waitForWaiting(_ file: String, times: Int = 1) async throws {
        let watch = watchName
        try await waitForEvent("\(file) waiting for its partner", times: times) { $0 == .waiting(watch: watch, file: file) }
    }

    /// `watcher.idle()`, bounded: a stuck watcher fails the test instead of hanging it.
    private func watcherIdle(before deadline: ContinuousClock.Instant) async throws -> Int {
        let watcher = self.watcher
        guard let idle = await firstOrNil(until: deadline, { await watcher.idle() }) else {
            throw TimedOut("timed out waiting for the watcher to become idle; \(await summary())")
        }
        return idle
    }

    /// What intake and the folders look like, for failure messages.
    func summary() async -> String {
        let counts =
            (try? database.statusSummary()).map { "claims \($0.claimsByState), sources \($0.sources), kits \($0.kitsByStatus)" } ?? "?"
        return "pending \(await intake.pendingCount), accepted \(await intake.accepted), rejected \(await intake.rejected), "
            + "duplicates \(await intake.duplicates); \(counts); inbox \(FileFixtures.names(in: inbox)); "
            + "rejected/ \(FileFixtures.names(in: rejected))"
    }

    // MARK: - Store queries

    func count(_ sql: String) throws -> Int { try database.scalar(sql) }

    func claims(state: String) throws -> Int { try count("SELECT count(*) FROM intake_claims WHERE state = '\(state)'") }

    var inboxIsEmpty: Bool { FileFixtures.names(in: inbox).isEmpty }
}

/// What the harness saw: watcher events handed to intake and the events intake published.
/// Each one wakes whoever waits for the next, so the harness re-checks when something happened,
/// not on a timer.
final class IntakeProgress: Sendable {
    private struct State {
        var handled = 0
        var events: [IntakeEvent] = []
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var version: Int { handled + events.count }
    }

    private let state = Mutex(State())

    var handled: Int { state.withLock { $0.handled } }
    var events: [IntakeEvent] { state.withLock { $0.events } }
    /// Grows with every watcher event handled and every intake event.
    var version: Int { state.withLock { $0.version } }

    func handledWatcherEvent() { advance { $0.handled += 1 } }

    func record(_ event: IntakeEvent) { advance { $0.events.append(event) } }

    private func advance(_ change: (inout State) -> Void) {
        let waiters = state.withLock { s in
            change(&s)
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns true once `version` has grown past `seen`, false at `deadline`.
    func wait(past seen: Int, until deadline: ContinuousClock.Instant) async -> Bool {
        await firstOrNil(until: deadline, { await self.next(past: seen) }) != nil
    }

    private func next(past seen: Int) async {
        let id = state.withLock { s in
            defer { s.nextWaiter += 1 }
            return s.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.version > seen || Task.isCancelled { return true }
                    s.waiters[id] = c
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}

/// `operation`'s result, or nil at `deadline`. The operation runs in a task of its own and is
/// cancelled at the deadline but not awaited, so one that ignores cancellation (a stuck
/// watcher) fails the test instead of hanging it.
func firstOrNil<T: Sendable>(until deadline: ContinuousClock.Instant, _ operation: @escaping @Sendable () async -> T) async -> T? {
    let race = FirstAnswer<T>()
    let result = await withCheckedContinuation { (c: CheckedContinuation<T?, Never>) in
        // The waiter is in place before either task can answer.
        race.wait(with: c)
        race.keep(Task { race.answer(await operation()) })
        race.keep(
            Task {
                try? await Task.sleep(until: deadline)
                race.answer(nil)
            })
    }
    race.cancelTasks()
    return result
}

/// The first task to answer resumes the waiter; the tasks are cancelled once it is resumed.
private final class FirstAnswer<T: Sendable>: Sendable {
    private let waiter = Mutex<CheckedContinuation<T?, Never>?>(nil)
    private let tasks = Mutex<[Task<Void, Never>]>([])

    func wait(with continuation: CheckedContinuation<T?, Never>) { waiter.withLock { $0 = continuation } }

    func keep(_ task: Task<Void, Never>) { tasks.withLock { $0.append(task) } }

    func answer(_ value: T?) { waiter.withLock { $0.take() }?.resume(returning: value) }

    func cancelTasks() {
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }
}
