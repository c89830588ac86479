import Foundation
import Logging
import RefkitConfig
import RefkitCivitai
import RefkitCore
import RefkitImaging
import RefkitIntake
import RefkitProviders
import RefkitService
import RefkitStore

/// Runs stages: picks runnable ones from the store (priority first, then fair between
/// watches, oldest kit first within a watch so kits finish one after another), within the
/// global and per-provider limits, as child tasks of one task group; finishes and publishes
/// kits when their last stage ends.
actor KitScheduler {
    let configuration: Configuration
    let database: RefkitDatabase
    let registry: ProviderRegistry
    let work: WorkFiles
    let publisher: KitPublisher
    let logger: Logger
    let wakeup: Wakeup
    let metrics: RefkitMetrics?

    private var running: [Int64: String] = [:]  // stage id -> provider
    private let stageExecutor = StageExecutor()
    /// The analyses being made, by kit: stages that start together wait for one (KitScheduler+Analysis).
    let analyses = SingleFlight<JSONValue>()
    private var runningByWatch: [String: Int] = [:]
    private var providerOfKit: [String: String] = [:]
    private var stopping = false
    /// Paid results held in memory until the state directory has space again: while there are
    /// any, no new stage starts (it would buy an image that could not be stored either).
    var resultsWaitingForSpace = 0
    private var nextWatchTurn = 0
    /// Kits this scheduler finished, each with its latest final status (for `once` and the
    /// batch summary): a kit that ends partial, is retried and ends complete is one complete kit.
    private(set) var finished = FinishedKits()
    private(set) var referencesMade = 0
    /// Published when a stage or publish ended (`once` waits on it; to become PipelineEvent).
    nonisolated let activity = EventBroadcast<Void>()

    init(
        configuration: Configuration, database: RefkitDatabase, registry: ProviderRegistry, logger: Logger, wakeup: Wakeup,
        metrics: RefkitMetrics? = nil
    ) {
        self.metrics = metrics
        self.configuration = configuration
        self.database = database
        self.registry = registry
        self.work = WorkFiles(stateDir: configuration.stateDir)
        self.publisher = KitPublisher(configuration: configuration, database: database, work: WorkFiles(stateDir: configuration.stateDir), logger: logger)
        self.logger = logger
        self.wakeup = wakeup
    }

    /// Nothing running and nothing runnable.
    var isIdle: Bool {
        get throws { try running.isEmpty && !database.hasUnfinishedWork() }
    }

    func stop() {
        stopping = true
        wakeup.signal()
    }

    /// A round trip through the actor: true while the scheduler answers (the watchdog's test).
    func isResponsive() -> Bool { true }

    /// Runs until `stop()`; then lets running stages finish (up to the drain timeout) and
    /// cancels the rest, which go back to pending at the next start.
    func run() async {
        do {
            let requeued = try database.requeueInterruptedStages()
            if requeued > 0 { logger.notice("stages interrupted by the last stop will run again", metadata: ["stages": "\(requeued)"]) }
            for kitID in try database.kitsReadyToFinish() { await finish(kitID: kitID) }
        } catch {
            logger.error("cannot read the stage queue", metadata: ["error": "\(error)"])
        }
        // Commands from the CLI (select, regenerate, retry, delete) reach us through the
        // database: look for new work when another process changed it.
        let watcher = DatabaseChangeWatch(stateDir: configuration.stateDir) { [wakeup] in wakeup.signal() }
        defer { watcher.stop() }
        await withTaskGroup(of: Int64?.self) { group in
            var waiting = false
            while true {
                if !stopping { dispatch(into: &group) }
                if stopping && running.isEmpty { break }
                // After stop() no new waiter: Wakeup.wait() does not end on cancellation, and the
                // group could not return while one was pending.
                if !waiting && !stopping {
                    waiting = true
                    let wakeup = self.wakeup
                    group.addTask {
                        await wakeup.wait()
                        return nil
                    }
                }
                guard let result = await group.next() else { break }
                activity.publish(())
                if result == Self.drainDeadline { break }  // cancelAll below: unfinished stages resume at the next start
                if let stageID = result {
                    running.removeValue(forKey: stageID)
                } else {
                    waiting = false
                    if stopping && !running.isEmpty { scheduleDrainDeadline(group: &group) }
                    if !stopping { finishChangedKits(into: &group) }
                }
            }
            group.cancelAll()
        }
    }

    private var drainScheduled = false

    private func scheduleDrainDeadline(group: inout TaskGroup<Int64?>) {
        guard !drainScheduled else { return }
        drainScheduled = true
        let timeout = Duration.seconds(configuration.daemon.drainTimeoutSeconds)
        let logger = self.logger
        group.addTask {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { logger.warning("drain timeout reached; cancelling the stages still running", metadata: ["timeout_s": "\(timeout)"]) }
            return Self.drainDeadline
        }
    }

    /// What the drain-deadline task returns in place of a stage id.
    private static let drainDeadline: Int64 = -1
    /// What a publish started by `finishChangedKits` returns in place of a stage id.
    private static let changedKitFinished: Int64 = -2

    /// Publishes kits a command changed without queuing a stage (an avatar chosen again keeps
    /// its views): nothing else would finish them until the next periodic sweep. Kits waiting
    /// for space are left to that sweep (`disk_full_retry_s`).
    private func finishChangedKits(into group: inout TaskGroup<Int64?>) {
        for kitID in (try? database.kitsChangedWithNothingToRun()) ?? [] where !finishing.contains(kitID) {
            group.addTask {
                await self.finish(kitID: kitID)
                return Self.changedKitFinished
            }
        }
    }

    // MARK: - Dispatch

    private func dispatch(into group: inout TaskGroup<Int64?>) {
        var free = configuration.limits.concurrency - running.count
        guard free > 0, resultsWaitingForSpace == 0 else { return }
        var candidates: [String: [RunnableStage]] = [:]
        for watch in configuration.watches {
            // More candidates than places: stages of a provider at its cap must not hide the next
            // provider's behind them.
            if let list = try? database.runnableStages(watch: watch.name, excluding: Set(running.keys), limit: free + 16), !list.isEmpty {
                candidates[watch.name] = list
            }
        }
        var perProvider: [String: Int] = [:]
        for provider in running.values { perProvider[provider, default: 0] += 1 }
        // A provider's `concurrency` caps its requests in flight (RequestSlots); more of its
        // stages may run, so the next requests are built and waiting, and results written,
        // while its slots stay busy: up to twice as many first, and up to three times as many
        // with places no other provider's stage wanted in this round (2x left a slot idle 5 %
        // of the time in the 200 ms benchmark, BENCHMARKS.md; 3x for everyone at once would let
        // one provider crowd the others out of `[limits] concurrency`).
        var overTwice: [(watch: String, stage: RunnableStage, provider: String)] = []
        func start(_ next: RunnableStage, watch: String, provider: String) {
            perProvider[provider, default: 0] += 1
            running[next.stageID] = provider
            runningByWatch[watch, default: 0] += 1
            free -= 1
            group.addTask(executorPreference: stageExecutor) { [self] in
                await self.execute(next, provider: provider)
                await self.stageEnded(watch: watch)
                return next.stageID
            }
        }
        while free > 0 {
            let levels = candidates.values.compactMap { $0.first?.priority }
            guard let top = levels.max() else { break }
            // Fair between watches at the top priority: the one with the fewest stages running goes first.
            let watches = candidates.filter { $0.value.first?.priority == top }.keys.sorted {
                (runningByWatch[$0] ?? 0, $0) < (runningByWatch[$1] ?? 0, $1)
            }
            guard let watch = watches.first, var list = candidates[watch], !list.isEmpty else { break }
            let next = list.removeFirst()
            candidates[watch] = list.isEmpty ? nil : list
            let provider = providerName(kitID: next.kitID)
            let concurrency = registry.entry(provider)?.config.concurrency ?? 1
            if perProvider[provider, default: 0] >= 2 * concurrency {
                overTwice.append((watch, next, provider))
                continue
            }
            start(next, watch: watch, provider: provider)
        }
        for (watch, next, provider) in overTwice where free > 0 {
            let concurrency = registry.entry(provider)?.config.concurrency ?? 1
            if perProvider[provider, default: 0] < 3 * concurrency { start(next, watch: watch, provider: provider) }
        }
    }

    private func stageEnded(watch: String) {
        runningByWatch[watch, default: 1] -= 1
    }

    private func providerName(kitID: String) -> String {
        if let p = providerOfKit[kitID] { return p }
        let order = try? effectiveOrder(kitID: kitID)
        let kit = try? database.kit(kitID)
        let watch = kit.flatMap { configuration.watch(named: $0.watch) }
        let name = order?.provider ?? watch?.defaultOrder.provider ?? "preview"
        providerOfKit[kitID] = name
        return name
    }

    /// The kit's orders folded together: later orders win field by field; scenes add up.
    nonisolated func effectiveOrder(kitID: String) throws -> Order {
        try database.kitOrder(kitID: kitID)
    }

    // MARK: - One stage

    /// One stage, off the actor: provider calls, decoding and file writes run in parallel;
    /// only the bookkeeping hops onto the actor.
    private nonisolated func execute(_ runnable: RunnableStage, provider providerName: String) async {
        let started = ContinuousClock.now
        guard let stage = Stage(name: runnable.stage) else { return }
        var log = logger
        log[metadataKey: "kit.id"] = "\(runnable.kitID)"
        if let name = try? database.kit(runnable.kitID)?.name { log[metadataKey: "kit"] = "\(name)" }
        log[metadataKey: "stage"] = "\(runnable.stage)"
        log[metadataKey: "provider"] = "\(providerName)"
        do {
          if stage == .avatar, try await chooseAmongCandidates(runnable, log: log) {
            // The avatar of a kit with candidates is chosen (or waits for a person), not generated.
          } else {
            var image: GeneratedImage
            do {
                image = try await generate(runnable, stage: stage, providerName: providerName, log: log)
            } catch let primary {
                let fallback = (try? effectiveOrder(kitID: runnable.kitID))?.fallbackProvider
                guard let fallback, fallback != providerName, !Task.isCancelled, Self.isProviderFailure(primary) else { throw primary }
                log.notice("the provider failed; trying the fallback provider", metadata: ["code": "\(Self.failure(primary).code)", "fallback": "\(fallback)"])
                // From here the fallback is in charge: every later line of the stage ("stage done",
                // "stage failed") names it, with the provider it stands in for.
                log[metadataKey: "provider"] = "\(fallback)"
                log[metadataKey: "fallback_for"] = "\(providerName)"
                image = try await generate(runnable, stage: stage, providerName: fallback, log: log)
            }
            let ext = image.mime == "image/jpeg" ? "jpg" : (image.mime == "image/webp" ? "webp" : "png")
            let attempt = (try database.stages(kitID: runnable.kitID).first { $0.id == runnable.stageID }?.attempts) ?? 1
            let path = work.stagePath(kitID: runnable.kitID, stage: stage, attempt: attempt, ext: ext, generation: runnable.generation)
            let ms = Int((ContinuousClock.now - started) / .milliseconds(1))
            // Paid for: a full state directory makes the result wait, never fails it.
            try await whileStateFull("a paid result", log: log) {
                try work.write(image.bytes, to: path)
                try database.completeStage(
                    id: runnable.stageID, kitID: runnable.kitID, stage: runnable.stage, file: path,
                    sha256: SHA256Digest.hex(of: image.bytes),
                    mime: image.mime, width: image.width, height: image.height, model: image.model, costUSD: image.costUSD, durationMs: ms,
                    locksReference: stage == .avatar)
            }
            await countReference()
            metrics?.stages.increment(labels: ["result": "done"])
            if image.costUSD > 0 { metrics?.spend.increment(by: image.costUSD, labels: ["watch": runnable.watch]) }
            log.info("stage done", metadata: ["duration_ms": "\(ms)", "cost_usd": "\(image.costUSD)"])
          }
        } catch {
            let failure = Self.failure(error)
            let ms = Int((ContinuousClock.now - started) / .milliseconds(1))
            if Task.isCancelled {
                log.notice("stage interrupted; it runs again at the next start")
                return
            }
            if failure.code == "stage_withdrawn" {
                log.notice("stage withdrawn before it started")
                return
            }
            log.warning("stage failed", metadata: ["code": "\(failure.code)", "reason": "\(failure.message)", "detail": "\(failure.detail)"])
            let kit = try? database.kit(runnable.kitID)
            let failsKit = stage == .avatar || (kit?.textOnly == true && false)
            metrics?.stages.increment(labels: ["result": "failed"])
            // Recorded once there is space: a stage must not stay `running` for want of a line in the store.
            try? await whileStateFull("a stage's failure", log: log) {
                try database.failStage(
                    id: runnable.stageID, kitID: runnable.kitID, stage: runnable.stage, code: failure.code, message: failure.message,
                    durationMs: ms, failsKit: failsKit)
            }
        }
        if let progress = try? database.progress(kitID: runnable.kitID), progress.pending + progress.running == 0 {
            await finish(kitID: runnable.kitID)
        }
    }

    /// The avatar step of a kit made with several candidates: once every candidate has ended,
    /// `selection: manual` puts the kit in `awaiting_selection` (published so people can look),
    /// `auto` locks the analyzer's best match to the source, or the first candidate made.
    /// False when the kit has no candidates (its avatar is generated as usual).
    private nonisolated func chooseAmongCandidates(_ runnable: RunnableStage, log: Logger) async throws -> Bool {
        let stages = try database.stages(kitID: runnable.kitID)
        let candidates = stages.filter { $0.stage.hasPrefix("candidate:") }
        guard !candidates.isEmpty else { return false }
        let made = candidates.filter { $0.status == .done && $0.file != nil }
        guard !made.isEmpty else {
            let reasons = candidates.compactMap { c in c.errorCode.map { "\(c.stage): \($0)" } }.joined(separator: "; ")
            throw RefkitError("candidates_all_failed", "no avatar candidate was made", detail: reasons)
        }
        let order = try effectiveOrder(kitID: runnable.kitID)
        if order.selection == .manual {
            try database.awaitSelection(kitID: runnable.kitID)
            publisher.publishAwaiting(kitID: runnable.kitID)
            log.notice("avatar candidates made; waiting for a choice", metadata: ["candidates": "\(made.count)/\(candidates.count)"])
            return true
        }
        func number(_ record: StageRecord) -> Int {
            if case .candidate(let n)? = Stage(name: record.stage) { return n }
            return 1
        }
        var chosen = made[0]
        var how = "auto: first candidate made (candidate \(number(chosen)) of \(candidates.count))"
        if made.count > 1, let analyzer = registry.analyzer, let kit = try database.kit(runnable.kitID), let sourceID = kit.sourceID,
            let record = try database.source(id: sourceID)
        {
            do {
                let source = try work.normalisedSource(kitID: kit.id, originalPath: record.storedPath, maxLongSide: configuration.outputs.sourceLongSide)
                let images = try made.map { ReferenceImage(bytes: try work.read($0.file!), mime: $0.mime ?? "image/png") }
                let pick = try await paidAnalyzerCall(kitID: kit.id, subject: "candidate choice") { () async throws(ProviderError) in
                    try await analyzer.chooseCandidate(source: ReferenceImage(bytes: source, mime: "image/jpeg"), candidates: images)
                }
                chosen = made[pick.index]
                how = "auto: the analyzer's best match to the source (candidate \(number(chosen)) of \(candidates.count)): \(pick.reason)"
            } catch {
                log.warning("the analyzer could not choose a candidate; taking the first", metadata: ["error": "\(error)"])
                how += "; the analyzer could not choose: \(Self.failure(error).code)"
            }
        }
        do {
            try database.selectCandidate(kit: runnable.kitID, number: number(chosen), how: how, requireAwaiting: false)
        } catch let error as RefkitError where error.code == "candidate_not_made" || error.code == "avatar_already_chosen" {
            // A candidate changed while it was being chosen (regenerated): choose again once it has ended.
            log.notice("the candidates changed while one was being chosen; choosing again later", metadata: ["code": "\(error.code)"])
            return true
        }
        log.info("avatar chosen among candidates", metadata: ["how": "\(how)"])
        return true
    }

    /// Prepares the request, records the attempt, paces and calls the provider (with retries)
    /// and validates what comes back.
    private nonisolated func generate(_ runnable: RunnableStage, stage: Stage, providerName: String, log: Logger) async throws -> GeneratedImage {
        let (request, referenceGeneration) = try await prepare(runnable, stage: stage, providerName: providerName)
        guard let entry = registry.entry(providerName) else {
            throw RefkitError("provider_unknown", "no provider named \"\(providerName)\" is configured")
        }
        guard let provider = entry.provider else {
            throw RefkitError("provider_unavailable", "the provider cannot be used", detail: entry.unavailable ?? "")
        }
        // The budget check and the reservation of the call's price are one step with marking it running.
        let started = try database.startStage(
            id: runnable.stageID, kitID: runnable.kitID, provider: providerName, model: request.model ?? entry.config.model,
            prompt: request.prompt, seed: Int64(bitPattern: request.seed), referenceGeneration: referenceGeneration,
            budget: try budgetClaim(kitID: runnable.kitID, price: entry.config.pricePerImageUSD))
        guard started else {
            throw RefkitError("stage_withdrawn", "the stage was withdrawn before it started (its kit was deleted or changed)")
        }
        let image = try await generateWithRetries(provider, request, stageID: runnable.stageID, entry: entry, log: log)
        // Paid from here on, even if the image turns out unusable. Recorded like the result: a
        // full state directory makes it wait (the reservation stays counted meanwhile), never
        // discards the paid image and releases its price.
        if image.costUSD > 0 {
            try await whileStateFull("a paid result", log: log) {
                try database.recordPaidCall(stageID: runnable.stageID, costUSD: image.costUSD)
            }
        }
        try checkOutput(image)
        return image
    }

    /// Failures a different provider might not have (not budgets, not our own state).
    static func isProviderFailure(_ error: any Error) -> Bool {
        if error is ProviderError { return true }
        if let e = error as? RefkitError { return e.code.hasPrefix("provider_") }
        return false
    }

    static func failure(_ error: any Error) -> RefkitError {
        switch error {
        case let e as RefkitError: e
        case let e as ProviderError: RefkitError(e.code, e.message, detail: e.detail)
        default: RefkitError("internal_error", "\(error)")
        }
    }

    /// The request for `runnable`, and the generation of the kit's locked reference it is made
    /// from (nil: not from the locked reference), read together with the reference file so a
    /// re-selection meanwhile leaves the stage marked as made from the earlier one.
    private nonisolated func prepare(
        _ runnable: RunnableStage, stage: Stage, providerName: String
    ) async throws -> (GenerationRequest, referenceGeneration: Int?) {
        guard let kit = try database.kit(runnable.kitID) else { throw RefkitError("kit_missing", "the kit vanished") }
        let order = try effectiveOrder(kitID: kit.id)
        var source: ReferenceImage?
        if let sourceID = kit.sourceID, let record = try database.source(id: sourceID) {
            let bytes = try work.normalisedSource(kitID: kit.id, originalPath: record.storedPath, maxLongSide: configuration.outputs.sourceLongSide)
            source = ReferenceImage(bytes: bytes, mime: "image/jpeg")
        }
        var locked: ReferenceImage?
        if stage.needsLockedReference, let file = kit.lockedReference {
            locked = ReferenceImage(bytes: try work.read(file), mime: "image/png")
        }
        if case .swap = stage {
            // A face swap works on its target image, with the locked face as the reference.
            guard locked != nil else {
                throw RefkitError("face_swap_needs_locked_reference", "the kit has no locked avatar to take the face from")
            }
            guard let input = try database.stages(kitID: kit.id).first(where: { $0.id == runnable.stageID })?.input else {
                throw RefkitError("face_swap_target_missing", "the face swap's target image is not recorded")
            }
            let ext = (input as NSString).pathExtension.lowercased()
            let mime = ["jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "heic": "image/heic", "heif": "image/heif", "avif": "image/avif"][ext] ?? "image/jpeg"
            source = ReferenceImage(bytes: try work.read(input), mime: mime)
        }
        var references: [ReferenceImage] = []
        var facts = order.character ?? Order.Character()
        if order.analyze == true, let source, !kit.textOnly {
            let analysis = try await analysis(of: kit, source: source)
            facts = Self.merging(given: facts, analyzed: analysis)
        }
        var title = ""
        var body = ""
        if kit.textOnly {
            if case .character(let name) = stage, let c = order.characters.first(where: { $0.name == name }) {
                facts = c
                title = name
                body = c.description ?? ""
            } else if case .scene = stage, let first = order.characters.first?.name {
                if let done = try database.stages(kitID: kit.id).first(where: { $0.stage == Stage.character(first).name && $0.status == .done }),
                    let file = done.file
                {
                    references.append(ReferenceImage(bytes: try work.read(file), mime: done.mime ?? "image/png"))
                }
                facts = order.characters.first ?? Order.Character()
            }
        }
        var sceneText: String?
        if case .scene(let id) = stage {
            sceneText = order.scenes.first { $0.id == id }?.description
            if kit.textOnly { title = id; body = sceneText ?? "" }
        }
        let prompt = Prompts.prompt(for: stage, character: facts, scene: sceneText)
        let (width, height) = stage.imageSize
        let request = GenerationRequest(
            kitID: kit.id, stage: stage, prompt: prompt, source: source, lockedReference: locked, references: references, width: width,
            height: height, seed: Self.seed(kitID: kit.id, stage: runnable.generation == 0 ? stage.name : "\(stage.name)#\(runnable.generation)"),
            model: order.model, title: title, body: body)
        return (request, locked == nil ? nil : kit.referenceGeneration)
    }

    /// Asks the analyzer to describe the kit's source and keeps the answer in the store. A
    /// failed or missing analyzer is recorded and generation goes on without.
    nonisolated func describe(_ kit: KitRecord, source: ReferenceImage) async throws -> JSONValue {
        guard let analyzer = registry.analyzer else {
            let reason = registry.analyzerUnavailable ?? "no [analyzer] is configured"
            logger.warning("the order asks for analysis but the analyzer cannot be used", metadata: ["kit.id": "\(kit.id)", "reason": "\(reason)"])
            let json = JSONValue.object([("error", .object([("code", .string("analyzer_unavailable")), ("message", .string(reason))]))])
            try database.setAnalysis(kitID: kit.id, json: json.serialized)
            return json
        }
        try database.markAnalyzing(kitID: kit.id)
        let json: JSONValue
        do {
            let result = try await paidAnalyzerCall(kitID: kit.id, subject: "analysis") { () async throws(ProviderError) in
                try await analyzer.analyze(image: source)
            }
            var members: [(key: String, value: JSONValue)] = [("attributes", .object(result.attributes.map { ($0.key, .string($0.value)) }))]
            if let d = result.description { members.append(("description", .string(d))) }
            if let r = result.contentRating { members.append(("content_rating", .string(r))) }
            json = .object(members)
        } catch {
            // A stop (or a cancelled caller) ended the call: nothing was learnt about the source,
            // so nothing is kept; the kit is analysed when its stage runs again.
            if Task.isCancelled { throw error }
            let failure = Self.failure(error)
            logger.warning(
                "the analyzer failed; generating without its description", metadata: ["kit.id": "\(kit.id)", "code": "\(failure.code)"])
            json = .object([("error", .object([("code", .string(failure.code)), ("message", .string(failure.message))]))])
        }
        try database.setAnalysis(kitID: kit.id, json: json.serialized)
        return json
    }

    /// Attributes given in the order win over analyzed ones.
    static func merging(given: Order.Character, analyzed: JSONValue) -> Order.Character {
        var merged = given
        if case .object(let attributes)? = analyzed["attributes"] {
            for (key, value) in attributes {
                guard case .string(let text) = value, !merged.attributes.contains(where: { $0.key == key }) else { continue }
                merged.attributes.append((key, text))
            }
        }
        if merged.description == nil, case .string(let d)? = analyzed["description"] { merged.description = d }
        return merged
    }

    /// Deterministic per kit and stage, so a preview is the same after a restart.
    static func seed(kitID: String, stage: String) -> UInt64 {
        let hex = SHA256Digest.hex(of: Array("\(kitID)/\(stage)".utf8))
        return UInt64(hex.prefix(15), radix: 16) ?? 1
    }

    private nonisolated func generateWithRetries(
        _ provider: any ImageProvider, _ request: GenerationRequest, stageID: Int64, entry: ProviderRegistry.Entry, log: Logger
    ) async throws -> GeneratedImage {
        let config = entry.config
        let policy = RetryPolicy(
            attempts: configuration.retry.attempts, baseDelay: .milliseconds(configuration.retry.baseDelayMs),
            maxDelay: .milliseconds(configuration.retry.maxDelayMs), maxServerDelay: .seconds(configuration.retry.maxRetryAfterSeconds))
        var attempt = 1
        while true {
            // A single-exchange provider's request waits for its place in the HTTP client's driver
            // (so its body is built and its answer decoded outside the slot, and a finished
            // request's place goes to the next at once); others hold a slot per job.
            let gated = provider.gatesItsOwnRequest
            if !gated { try await entry.slots.acquire() }
            do {
                try await entry.limiter.acquire()
            } catch {
                if !gated { entry.slots.release() }
                throw error
            }
            let sent = ContinuousClock.now
            let timer = ExchangeTimer()
            // Gated: the time its exchanges ran, not the wait for a place before them.
            func duration() -> Duration { gated ? timer.total ?? ContinuousClock.now - sent : ContinuousClock.now - sent }
            do throws(ProviderError) {
                let transfers = entry.slots.transfers
                // A gated provider's exchange carries its own timeout (timeout_s, from when it is
                // sent), so waiting for a slot never counts as the provider being slow.
                let limit: Duration = gated ? .seconds(config.timeoutSeconds * 4 + 600) : .seconds(config.timeoutSeconds)
                let image = try await Self.withTimeout(limit, on: stageExecutor) { () async throws(ProviderError) -> GeneratedImage in
                    if gated {
                        let result = await RequestGating.$gate.withValue(transfers) { () async -> Result<GeneratedImage, ProviderError> in
                            await RequestGating.$timer.withValue(timer) { () async -> Result<GeneratedImage, ProviderError> in
                                do throws(ProviderError) {
                                    return .success(try await provider.generate(request))
                                } catch {
                                    return .failure(error)
                                }
                            }
                        }
                        return try result.get()
                    }
                    return try await provider.generate(request)
                }
                if !gated { entry.slots.release() }
                metrics?.providerRequestDuration.observe(duration(), labels: ["provider": provider.name])
                await entry.limiter.succeeded()
                return image
            } catch {
                if !gated { entry.slots.release() }
                metrics?.providerRequestDuration.observe(duration(), labels: ["provider": provider.name])
                if error.code.contains("rate_limited") || error.retryAfter != nil {
                    await throttle(error, entry: entry, provider: provider.name, policy: policy, log: log)
                }
                let decision = policy.decide(
                    afterAttempt: attempt, retryable: error.retryable, retryAfter: error.retryAfter, random: Double.random(in: 0..<1))
                if error.code == "provider_timeout" {
                    // Maybe paid: counted; a retry reserves (and must fit) its own price.
                    var retrying = false
                    if case .retry = decision { retrying = true }
                    try keepTimedOutCall(stageID: stageID, kitID: request.kitID, price: config.pricePerImageUSD, retrying: retrying)
                }
                switch decision {
                case .giveUp:
                    throw error
                case .retry(let delay):
                    log.notice("retrying after a retryable provider error", metadata: ["code": "\(error.code)", "attempt": "\(attempt)", "delay_ms": "\(Int(delay / .milliseconds(1)))"])
                    try? database.countRetry(id: stageID, code: error.code, message: error.message)
                    metrics?.retries.increment(labels: ["provider": provider.name])
                    try await Task.sleep(for: delay)
                    attempt += 1
                }
            }
        }
    }

    /// A provider's image is judged like a dropped file: libmagic on the bytes, size and pixel
    /// limits from the header, then a strict full decode (unless the client already did that
    /// decode: every HTTP provider validates what it receives).
    private nonisolated func checkOutput(_ image: GeneratedImage) throws {
        let inspector = try Inspector(
            limits: IntakeLimits(configuration.limits))
        guard image.bytes.count <= configuration.limits.maxSourceBytes else {
            throw RefkitError("provider_invalid_image", "the provider returned an image larger than max_source_bytes", detail: "\(image.bytes.count) bytes")
        }
        if case .rejected(let error) = inspector.inspectImage(image.bytes, decode: !image.decodeVerified) {
            throw RefkitError("provider_invalid_image", "the provider returned something that is not a valid image", detail: "\(error.code): \(error.message)")
        }
    }

    // MARK: - Finishing

    private var finishing: Set<String> = []

    private func countReference() { referencesMade += 1 }

    /// Publishes a kit whose stages have all ended, once even when its last two stages end together.
    private nonisolated func finish(kitID: String) async {
        // A finish asked for while another is publishing the kit is not dropped: that publish
        // may have read the kit before the change, so it runs once more when the first ends.
        guard await claimFinish(kitID) else { return }
        var status = await publisher.finish(kitID: kitID)
        // Taking a pending "again" and giving up the claim are one step on the actor: a finish
        // asked for between two separate steps would find the claim still held, leave its
        // "again" behind and be lost (seen: a kit left `generating` with nothing to run).
        while await finishAgainOrRelease(kitID) {
            if let again = await publisher.finish(kitID: kitID) { status = again }
        }
        // A nightly Civitai batch whose kits have all ended gets its summary now.
        BatchSummaries.completeFinishedBatches(database: database, stateDirectory: configuration.stateDir, logger: logger)
        await finished(kitID: kitID, status: status)
    }

    private var finishAgain: Set<String> = []

    private func claimFinish(_ kitID: String) -> Bool {
        if finishing.insert(kitID).inserted { return true }
        finishAgain.insert(kitID)
        return false
    }

    /// True (keeping the claim) when another finish was asked for meanwhile; else releases it.
    private func finishAgainOrRelease(_ kitID: String) -> Bool {
        if finishAgain.remove(kitID) != nil { return true }
        finishing.remove(kitID)
        return false
    }

    /// Publishes kits that have nothing left to run but are not finished (a publish that waits
    /// for space after `disk_full`). Returns how many still wait.
    func finishWaitingKits() async -> Int {
        for kitID in (try? database.kitsReadyToFinish()) ?? [] { await finish(kitID: kitID) }
        return (try? database.kitsReadyToFinish().count) ?? 0
    }

    private func finished(kitID: String, status: KitStatus?) {
        if let status { finished.record(kitID: kitID, status) }
        providerOfKit.removeValue(forKey: kitID)
    }
}
