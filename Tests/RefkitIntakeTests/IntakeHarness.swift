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
/// `IntakeService.handle`), over real inotify on temporary folders, until a test
/// stops it. Waits are bounded and condition-based: `waitUntil` awaits `watcher.idle()`, then
/// every yielded event being handled, then `intake.isIdle`, then the test's own condition.
final class IntakeHarness: Sendable {
    let directory: TemporaryDirectory
    let folders: IntakeFolders
    let configuration: Configuration
    let database: RefkitDatabase
    let intake: IntakeService
    let watcher: InboxWatcher
    let watchName: String
    /// Watcher events handled so far (the runner task holds this, not the harness, so a test
    /// that fails early still releases the harness and with it the watcher).
    private let handled = HandledEvents()
    private let runner = Mutex<Task<Void, any Error>?>(nil)

    /// Folders in a fresh temporary directory; the configuration from `IntakeFolders.configText`.
    convenience init(
        settleMs: Int = 200, sidecarWaitMs: Int = 300, imageWaitMs: Int = 800, maxSourceBytes: Int? = nil, defaultStages: String = "turnaround"
    ) throws {
        let directory = try TemporaryDirectory("intake")
        let folders = try IntakeFolders(in: directory)
        let text = folders.configText(
            settleMs: settleMs, sidecarWaitMs: sidecarWaitMs, imageWaitMs: imageWaitMs, maxSourceBytes: maxSourceBytes, defaultStages: defaultStages)
        try self.init(directory: directory, folders: folders, configText: text)
    }

    init(directory: TemporaryDirectory, folders: IntakeFolders, configText: String) throws {
        self.directory = directory
        self.folders = folders
        configuration = try ConfigurationLoader.parse(text: configText, file: "\(directory.path)/refkit.toml", relativeTo: directory.path)
        watchName = configuration.watches[0].name
        database = try RefkitDatabase(path: "\(configuration.stateDir)/refkit.sqlite")
        intake = try IntakeService(configuration: configuration, database: database, logger: Self.logger)
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
        let watcher = self.watcher, intake = self.intake, handled = self.handled
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
                        handled.increment()
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
    }

    /// Stops the watcher and intake's pairing timer; rethrows what the watcher threw.
    func stop() async throws {
        watcher.shutdown()
        let task = runner.withLock { $0 }
        try await task?.value
        await intake.shutdown()
    }

    /// Waits until the watcher has settled everything it saw, intake handled every event and
    /// has no pairing waiting, and then `condition` holds. Bounded by `timeout`.
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(40), _ condition: @Sendable () async throws -> Bool = { true }
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let idle = try await watcherIdle(before: deadline)
            try await eventually("intake handling \(idle) watcher events", timeout: deadline - .now) { self.handled.value >= idle }
            if await intake.isIdle, try await condition() { return }
            guard ContinuousClock.now < deadline else {
                throw TimedOut("timed out after \(timeout) waiting for \(what); \(await summary())")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// `watcher.idle()`, bounded: a stuck watcher fails the test instead of hanging it.
    private func watcherIdle(before deadline: ContinuousClock.Instant) async throws -> Int {
        let result = Mutex<Int?>(nil)
        let watcher = self.watcher
        let asking = Task { let n = await watcher.idle(); result.withLock { $0 = n } }
        defer { asking.cancel() }
        try await eventually("the watcher to become idle", timeout: max(.zero, deadline - .now)) { result.withLock { $0 } != nil }
        return result.withLock { $0! }
    }

    /// What intake and the folders look like, for failure messages.
    func summary() async -> String {
        let counts = (try? database.statusSummary()).map { "claims \($0.claimsByState), sources \($0.sources), kits \($0.kitsByStatus)" } ?? "?"
        return "pending \(await intake.pendingCount), accepted \(await intake.accepted), rejected \(await intake.rejected), "
            + "duplicates \(await intake.duplicates); \(counts); inbox \(FileFixtures.names(in: inbox)); rejected/ \(FileFixtures.names(in: rejected))"
    }

    // MARK: - Store queries

    func count(_ sql: String) throws -> Int { try database.scalar(sql) }

    func claims(state: String) throws -> Int { try count("SELECT count(*) FROM intake_claims WHERE state = '\(state)'") }

    var inboxIsEmpty: Bool { FileFixtures.names(in: inbox).isEmpty }
}

/// Counts handled watcher events; read from the waiting test, written by the runner task.
final class HandledEvents: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
