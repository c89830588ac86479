import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitHTTP
import RefkitStore

/// Tells the `[[hook]]`s about kits: tails the events table from its stored cursor, stores each
/// hook's deliveries once (with the cursor, in one transaction), then sends what is due (a signed
/// POST, a command) and records each attempt. A restart loses nothing (pending rows wait in the
/// store) and repeats only a send whose outcome was not recorded, under the same delivery id.
///
/// `run()` wakes on the pipeline's events and on a periodic tick, which also brings in events
/// written by other processes (`refkit select`, `retry`) and retries that have come due.
public struct HookDispatcher: Sendable {
    /// What tests and the daemon may change; the defaults are the daemon's.
    public struct Options: Sendable {
        public var backoff = HookBackoff.standard
        /// How often it looks for due retries and other processes' events without being woken.
        public var tick: Duration = .seconds(5)
        /// Uniform in 0..<1: the backoff's jitter.
        public var random: @Sendable () -> Double = { Double.random(in: 0..<1) }
        public var now: @Sendable () -> Date = { Date() }
        /// Events read per query while catching up.
        public var batch = 500
        /// How long settled deliveries stay in the store (each keeps its body: about 1 KiB).
        public var retention: Duration = .seconds(30 * 86_400)
        /// Called after each attempt with the hook and `delivered`, `retry` or `failed` (metrics).
        public var onOutcome: @Sendable (_ hook: String, _ outcome: String) -> Void = { _, _ in }

        public init() {}
    }

    let hooks: [Configuration.Hook]
    let secrets: HookSecrets
    let database: RefkitDatabase
    let http: HTTPClient
    let logger: Logger
    let options: Options
    private let events: AsyncStream<PipelineEvent>
    private let sleep: @Sendable (Duration) async throws -> Void

    /// Subscribes to `events` now, so nothing published after `init` is missed, and starts the
    /// cursor at the newest event on a database the hooks never looked at (the log's history is
    /// not announced). Secrets are read by the caller (`HookSecrets(hooks:)`) so a bad file stops the start.
    public init(
        hooks: [Configuration.Hook], secrets: HookSecrets, database: RefkitDatabase, events: EventBroadcast<PipelineEvent>,
        http: HTTPClient, logger: Logger, options: Options = Options(), clock: some Clock<Duration> = ContinuousClock()
    ) throws {
        self.hooks = hooks
        self.secrets = secrets
        self.database = database
        self.http = http
        self.options = options
        var logger = logger
        logger[metadataKey: "component"] = "hooks"
        self.logger = logger
        self.events = events.subscribe(bufferingPolicy: .bufferingNewest(1))
        self.sleep = { duration in try await clock.sleep(for: duration) }
        if try database.hookCursor() == nil {
            try database.recordHookDeliveries([], cursor: try database.lastEventID(), now: options.now())
        }
    }

    /// Scans and sends at start (what the last run left pending), then on each wake-up, until the
    /// broadcast finishes or the task is cancelled. Settled deliveries older than `retention` are
    /// removed at start and once a day.
    public func run() async {
        let (wake, wakeUp) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wakeUp.yield()
        var pruned: Date?
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events {
                    // A stage starting announces nothing a hook is told about.
                    if case .stageStarted = event { continue }
                    wakeUp.yield()
                }
                wakeUp.finish()
            }
            group.addTask {
                while true {
                    do { try await sleep(options.tick) } catch { break }
                    wakeUp.yield()
                }
            }
            for await _ in wake {
                if pruned.map({ options.now().timeIntervalSince($0) >= 86_400 }) ?? true {
                    prune()
                    pruned = options.now()
                }
                await pass()
            }
            group.cancelAll()
        }
    }

    /// Removes settled deliveries older than `retention`.
    public func prune() {
        let before = options.now().addingTimeInterval(-Double(options.retention.wholeMilliseconds) / 1000)
        do {
            let removed = try database.pruneHookDeliveries(settledBefore: before)
            if removed > 0 { logger.info("old hook deliveries removed", metadata: ["count": "\(removed)"]) }
        } catch {
            logger.warning("cannot remove old hook deliveries", metadata: ["error": "\(error)"])
        }
    }

    /// One scan and one round of sends.
    public func pass() async {
        do {
            try scan()
        } catch {
            logger.error("hooks cannot read the event log; trying again at the next tick", metadata: ["error": "\(error)"])
        }
        await sendDue()
    }

    /// Reads the events after the cursor and stores the deliveries they call for, a batch at a time
    /// (each batch's deliveries and the cursor move together). Returns how many deliveries were new.
    @discardableResult
    public func scan() throws -> Int {
        var inserted = 0
        while true {
            let cursor = try database.hookCursor() ?? 0
            let batch = try database.events(after: cursor, limit: options.batch)
            guard let last = batch.last else { return inserted }
            let deliveries = hooks.isEmpty ? [] : try self.deliveries(for: batch)
            inserted += try database.recordHookDeliveries(deliveries, cursor: last.id, now: options.now())
            if batch.count < options.batch { return inserted }
        }
    }

    /// The deliveries a batch of events calls for: one per hook and action for each kit notice a
    /// hook wants. The batch's kits, stages and summaries are read in a few queries, not per event.
    func deliveries(for batch: [EventRecord]) throws -> [NewHookDelivery] {
        let notices = batch.compactMap { record -> (record: EventRecord, event: HookRule.Event, kitID: String)? in
            guard let event = HookRule.event(ofType: record.type), let kitID = record.kitID else { return nil }
            return (record, event, kitID)
        }
        guard !notices.isEmpty else { return [] }
        let kitIDs = Array(Set(notices.map(\.kitID)))
        // A kit deleted before its event was read is not announced: there is nothing to describe.
        let kits = try database.kits(ids: kitIDs)
        let stages = try database.stages(ofKits: kitIDs)
        let ordered = kitIDs.compactMap { kits[$0] }
        let summaries = Dictionary(uniqueKeysWithValues: zip(ordered.map(\.id), try database.kitSummaries(ordered)))
        return notices.flatMap { notice -> [NewHookDelivery] in
            guard let kit = kits[notice.kitID], let summary = summaries[notice.kitID] else { return [] }
            let failedQA = HookRule.asksAboutQA(notice.event) && !KitJSON.failedQA(stages[kit.id] ?? []).isEmpty
            return HookRule.notices(for: notice.event, failedQA: failedQA, watch: kit.watch, hooks: hooks).flatMap { told in
                deliveries(of: told, record: notice.record, kit: kit, summary: summary)
            }
        }
    }

    /// One hook's deliveries of one notice: its URL and/or its command, with one body.
    private func deliveries(of told: HookRule.Notice, record: EventRecord, kit: KitRecord, summary: JSONValue) -> [NewHookDelivery] {
        guard let hook = hooks.first(where: { $0.name == told.hook }) else { return [] }
        let delivery = HookDeliveryRecord.deliveryID(eventID: record.id, hook: hook.name)
        let payload = HookPayload.body(summary: summary, event: told.event.rawValue, delivery: delivery, outboxDir: kit.outboxDir)
        let actions: [HookDeliveryRecord.Action] = (hook.url == nil ? [] : [.url]) + (hook.command == nil ? [] : [.command])
        return actions.map {
            NewHookDelivery(hook: hook.name, action: $0, eventID: record.id, event: told.event.rawValue, kitID: kit.id, payload: payload)
        }
    }

    /// Sends every due delivery: each hook's POSTs and commands side by side, each in event order.
    /// After an attempt that fails, the rest of that hook's (and action's) wait for the next pass:
    /// a receiver that is down costs one time-out per pass, not one per delivery. Returns how many
    /// attempts were made.
    @discardableResult
    public func sendDue() async -> Int {
        let due: [HookDeliveryRecord]
        do {
            due = try database.dueHookDeliveries(now: options.now(), limit: 1000)
        } catch {
            logger.error("hooks cannot read their deliveries; trying again at the next tick", metadata: ["error": "\(error)"])
            return 0
        }
        let lanes = Dictionary(grouping: due) { "\($0.hook)/\($0.action.rawValue)" }
        return await withTaskGroup(of: Int.self) { group in
            for (_, deliveries) in lanes {
                group.addTask {
                    var attempts = 0
                    for delivery in deliveries {
                        attempts += 1
                        guard await settle(delivery) else { break }
                    }
                    return attempts
                }
            }
            return await group.reduce(0, +)
        }
    }

    /// One attempt of `delivery` and its record; true when it was delivered.
    func settle(_ delivery: HookDeliveryRecord) async -> Bool {
        let attempts = delivery.attempts + 1
        var fields: Logger.Metadata = [
            "hook": "\(delivery.hook)", "action": "\(delivery.action.rawValue)", "delivery": "\(delivery.deliveryID)",
            "event": "\(delivery.event)", "kit.id": "\(delivery.kitID)", "attempt": "\(attempts)",
        ]
        guard let hook = hooks.first(where: { $0.name == delivery.hook }) else {
            record(
                delivery, attempts: delivery.attempts, .failed(error: "no hook named \"\(delivery.hook)\" is configured any more"), fields)
            return true
        }
        let outcome = options.backoff.settle(
            await attempt(delivery, hook: hook), attempts: attempts, maxAttempts: hook.maxAttempts, now: options.now(),
            random: options.random())
        if case .retry(let at, _) = outcome { fields["next_at"] = "\(Timestamp.string(at))" }
        record(delivery, attempts: attempts, outcome, fields)
        return outcome == .delivered
    }

    /// Sends `delivery` once, recording nothing: a POST to the hook's URL or a run of its command.
    public func attempt(_ delivery: HookDeliveryRecord, hook: Configuration.Hook) async -> HookAttempt {
        switch delivery.action {
        case .url: await post(delivery, hook: hook)
        case .command: await runCommand(delivery, hook: hook)
        }
    }

    private func post(_ delivery: HookDeliveryRecord, hook: Configuration.Hook) async -> HookAttempt {
        guard let url = hook.url, let secret = secrets.key(of: hook.name) else {
            return .failed(error: "the hook has no url or no secret now")
        }
        let body = Array(delivery.payload.utf8)
        let timestamp = Int64(options.now().timeIntervalSince1970)
        let timeout = Duration.seconds(hook.urlTimeoutSeconds)
        let request = HTTPRequest(
            method: "POST", url: url,
            headers: HookSignature.headers(
                secret: secret, body: body, timestamp: timestamp, delivery: delivery.deliveryID, event: delivery.event),
            body: body, timeout: timeout, connectTimeout: min(timeout, .seconds(10)), maxResponseBytes: 1 << 20)
        do {
            let response = try await http.send(request, policy: URLPolicy(forBaseURL: url))
            return HookAttempt(status: response.status, retryAfter: RetryAfter.of(response, now: options.now()), body: response.body)
        } catch {
            return .failed(error: HookURL.masked(error.description, url: url))
        }
    }

    private func runCommand(_ delivery: HookDeliveryRecord, hook: Configuration.Hook) async -> HookAttempt {
        guard let argv = hook.command else { return .failed(error: "the hook has no command now") }
        let arguments = HookPayload.commandArguments(of: delivery.payload)
        let environment = [
            "REFKIT_HOOK=\(hook.name)", "REFKIT_EVENT=\(delivery.event)", "REFKIT_DELIVERY=\(delivery.deliveryID)",
            "REFKIT_KIT_ID=\(delivery.kitID)",
        ]
        do {
            let result = try await HookCommand.run(
                argv + [arguments.folder, arguments.status], environment: environment, timeout: .seconds(hook.commandTimeoutSeconds))
            let fields: Logger.Metadata = [
                "hook": "\(hook.name)", "delivery": "\(delivery.deliveryID)", "output": "\(result.outputText)",
            ]
            if result.attempt == .succeeded {
                logger.info("hook command ran", metadata: fields)
            } else {
                logger.warning("hook command failed", metadata: fields.merging(["error": "\(result.attempt)"]) { $1 })
            }
            return result.attempt
        } catch {
            return .failed(error: error.description)
        }
    }

    private func record(_ delivery: HookDeliveryRecord, attempts: Int, _ outcome: HookAttemptRecord, _ fields: Logger.Metadata) {
        do {
            try database.recordHookAttempt(id: delivery.id, attempts: attempts, outcome, now: options.now())
        } catch {
            // The attempt is made again: its receiver sees the same delivery id twice, never a new one.
            logger.error("hook attempt not recorded", metadata: fields.merging(["error": "\(error)"]) { $1 })
        }
        switch outcome {
        case .delivered:
            logger.info("hook delivered", metadata: fields)
            options.onOutcome(delivery.hook, "delivered")
        case .retry(_, let error):
            logger.warning("hook delivery failed; it is tried again later", metadata: fields.merging(["error": "\(error)"]) { $1 })
            options.onOutcome(delivery.hook, "retry")
        case .failed(let error):
            logger.error("hook delivery given up", metadata: fields.merging(["error": "\(error)"]) { $1 })
            options.onOutcome(delivery.hook, "failed")
        }
    }
}
