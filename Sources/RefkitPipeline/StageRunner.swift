import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitDigest
import RefkitImaging
import RefkitProviders
import RefkitService
import RefkitStore

/// Runs one stage: prepares its request from the store and the work files, records its start
/// (within the kit's budgets), calls its provider (or its fallback), judges and stores the image,
/// and records the stage's end, announcing each step as a `PipelineEvent`.
struct StageRunner: Sendable {
    let configuration: Configuration
    let database: RefkitDatabase
    let registry: ProviderRegistry
    let work: WorkFiles
    let publisher: KitPublisher
    let logger: Logger
    let metrics: RefkitMetrics?
    let events: EventBroadcast<PipelineEvent>
    let budgets: KitBudgets
    let call: ProviderCall
    let space: SpaceWait
    /// The automatic checks of every made image (issue 15), for kits that have them on.
    let qa: StageQA
    /// The analyses being made, by kit: stages that start together wait for one (StageRunner+Analysis).
    let analyses = SingleFlight<JSONValue>()

    /// What a stage's run did, for the scheduler's bookkeeping.
    struct Outcome {
        /// A reference (or candidate) was made and stored.
        var madeReference = false
        /// The kit has nothing left to run: it may be finished.
        var kitEnded = false
    }

    /// Runs one stage to its end (done, failed, withdrawn or interrupted). Off the scheduler's
    /// actor: provider calls, decoding and file writes of many stages run in parallel.
    func run(_ runnable: RunnableStage, provider providerName: String) async -> Outcome {
        let started = ContinuousClock.now
        let stage = runnable.stage
        var outcome = Outcome()
        var log = logger
        log[metadataKey: "kit.id"] = "\(runnable.kitID)"
        let context = Result { try readContext(runnable) }
        if case .success(let context) = context { log[metadataKey: "kit"] = "\(context.kit.name)" }
        log[metadataKey: "stage"] = "\(runnable.stage)"
        log[metadataKey: "provider"] = "\(providerName)"
        do {
            // The avatar of a kit with candidates is chosen (or waits for a person), not generated.
            let chosen = stage == .avatar ? try await chooseAmongCandidates(runnable, log: log) : false
            if !chosen {
                try await makeAndStore(
                    runnable, stage: stage, provider: providerName, context: try context.get(), started: started, log: &log)
                outcome.madeReference = true
            }
        } catch {
            let failure = Self.failure(error)
            let ms = Int((ContinuousClock.now - started) / .milliseconds(1))
            if Task.isCancelled {
                log.notice("stage interrupted; it runs again at the next start")
                return outcome
            }
            if failure.code == .stageWithdrawn {
                log.notice("stage withdrawn before it started")
                return outcome
            }
            log.warning(
                "stage failed", metadata: ["code": "\(failure.code)", "reason": "\(failure.message)", "detail": "\(failure.detail)"])
            // A refused rating is the kit's, not the stage's: no other stage may run either.
            let failsKit = stage == .avatar || failure.code == .contentRatingRefused
            metrics?.stages.increment(labels: ["result": "failed"])
            // Recorded once there is space: a stage must not stay `running` for want of a line in the store.
            try? await space.whileStateFull("a stage's failure", log: log) {
                try database.failStage(
                    id: runnable.stageID, kitID: runnable.kitID, stage: stage, code: failure.code.rawValue,
                    message: failure.message,
                    durationMs: ms, failsKit: failsKit)
            }
            events.publish(.stageFailed(kitID: runnable.kitID, stage: stage, code: failure.code.rawValue))
        }
        if let progress = try? database.progress(kitID: runnable.kitID), progress.pending + progress.running == 0 {
            outcome.kitEnded = true
        }
        return outcome
    }

    /// Generates the stage's image (with the kit's fallback provider when its own fails), stores
    /// it durably and records the stage done; with QA on for the kit, through `makeChecked`.
    private func makeAndStore(
        _ runnable: RunnableStage, stage: Stage, provider providerName: String, context: StageContext, started: ContinuousClock.Instant,
        log: inout Logger
    ) async throws {
        let checks = Set(configuration.qa.checks(for: context.order))
        if !checks.isEmpty {
            try await makeChecked(
                runnable, stage: stage, provider: providerName, context: context, checks: checks, started: started, log: &log)
            return
        }
        let (made, madeBy) = try await generateWithFallback(
            runnable, stage: stage, provider: providerName, context: context, retake: nil, log: &log)
        let path = try workPath(runnable, stage: stage, format: made.format)
        let ms = Int((ContinuousClock.now - started) / .milliseconds(1))
        // Paid for: a full state directory makes the result wait, never fails it.
        try await space.whileStateFull("a paid result", log: log) {
            try work.write(made.image.bytes, to: path)
            try database.completeStage(
                id: runnable.stageID, kitID: runnable.kitID, stage: stage, file: path, sha256: SHA256Digest.hex(of: made.image.bytes),
                format: made.format, width: made.image.width, height: made.image.height, model: made.image.model,
                costUSD: made.image.costUSD, durationMs: ms, locksReference: stage == .avatar)
        }
        announceDone(runnable, stage: stage, madeBy: madeBy, costUSD: made.image.costUSD, ms: ms, log: log)
    }

    func announceDone(_ runnable: RunnableStage, stage: Stage, madeBy: String, costUSD: Double, ms: Int, log: Logger) {
        events.publish(.stageDone(kitID: runnable.kitID, stage: stage, provider: madeBy))
        metrics?.stages.increment(labels: ["result": "done"])
        log.info("stage done", metadata: ["duration_ms": "\(ms)", "cost_usd": "\(costUSD)"])
    }

    /// Where this attempt's image goes in the work directory (a new file per attempt).
    func workPath(_ runnable: RunnableStage, stage: Stage, format: ImageFormat) throws -> String {
        let attempt = (try database.stages(kitID: runnable.kitID).first { $0.id == runnable.stageID }?.attempts) ?? 1
        return work.stagePath(
            kitID: runnable.kitID, stage: stage, attempt: attempt, ext: format.fileExtension, generation: runnable.generation)
    }

    /// The stage's image from its provider, or from the kit's fallback provider when its own
    /// fails; returns it with the provider that made it. `retake` is QA's new seed and words.
    func generateWithFallback(
        _ runnable: RunnableStage, stage: Stage, provider providerName: String, context: StageContext, retake: Retake?,
        log: inout Logger
    ) async throws -> (CheckedImage, madeBy: String) {
        do {
            let made = try await generate(runnable, stage: stage, providerName: providerName, context: context, retake: retake, log: log)
            return (made, providerName)
        } catch let primary {
            // Read again: the fallback's request is made from the kit as it is now, as the first one was.
            let fresh = try? readContext(runnable)
            guard let fresh, let fallback = fresh.order.fallbackProvider, fallback != providerName, !Task.isCancelled,
                Self.isProviderFailure(primary)
            else { throw primary }
            log.notice(
                "the provider failed; trying the fallback provider",
                metadata: ["code": "\(Self.failure(primary).code)", "fallback": "\(fallback)"])
            // From here the fallback is in charge: every later line of the stage ("stage done",
            // "stage failed") names it, with the provider it stands in for.
            log[metadataKey: "provider"] = "\(fallback)"
            log[metadataKey: "fallback_for"] = "\(providerName)"
            let made = try await generate(runnable, stage: stage, providerName: fallback, context: fresh, retake: retake, log: log)
            return (made, fallback)
        }
    }

    /// QA's changes to a stage's request when it is made again: the seed moved, the reason
    /// folded into the prompt.
    struct Retake: Sendable {
        var seedOffset: Int
        var promptAddendum: String
    }

    /// A provider's image with the format its bytes were judged to be.
    struct CheckedImage {
        var image: GeneratedImage
        var format: ImageFormat
        /// The prompt and seed it was asked for with.
        var prompt: String
        var seed: Int64
        /// The provider inputs it was sent with (issue 17 item 4).
        var inputs: JSONValue? = nil
        /// The negative prompt the provider sent (nil: none).
        var negativePrompt: String? = nil
    }

    /// Prepares the request, records the attempt, paces and calls the provider (with retries)
    /// and validates what comes back.
    func generate(
        _ runnable: RunnableStage, stage: Stage, providerName: String, context: StageContext, retake: Retake? = nil, log: Logger
    ) async throws -> CheckedImage {
        var (request, referenceGeneration) = try await prepare(runnable, stage: stage, context: context)
        if let retake {
            request.seed &+= UInt64(retake.seedOffset)
            if !retake.promptAddendum.isEmpty { request.prompt += " " + retake.promptAddendum }
        }
        guard let entry = registry.entry(providerName) else {
            throw RefkitError(.providerUnknown, "no provider named \"\(providerName)\" is configured")
        }
        guard let provider = entry.provider else {
            throw RefkitError(.providerUnavailable, "the provider cannot be used", detail: entry.unavailable ?? "")
        }
        // Issue 17 item 1: no more input images than this provider takes (its fallback may take others).
        request = provider.inputImageCap.apply(to: request)
        request.inputs = StageRequest.providerInputs(order: context.order, provider: providerName, config: entry.config)
        // The budget check and the reservation of the call's price are one step with marking it running.
        let started = try database.startStage(
            id: runnable.stageID, kitID: runnable.kitID, provider: providerName, model: request.model ?? entry.config.model,
            prompt: request.prompt, seed: Int64(bitPattern: request.seed), referenceGeneration: referenceGeneration,
            inputs: request.inputs?.serialized, negativePrompt: provider.negativePromptSent(for: request),
            budget: StageRequest.budgetClaim(
                order: context.order, watch: configuration.watch(named: context.kit.watch), price: entry.config.pricePerImageUSD))
        guard started else {
            throw RefkitError(.stageWithdrawn, "the stage was withdrawn before it started (its kit was deleted or changed)")
        }
        events.publish(.stageStarted(kitID: runnable.kitID, stage: stage, provider: providerName))
        let image = try await call.make(provider, request, stageID: runnable.stageID, entry: entry, log: log)
        // Paid from here on, even if the image turns out unusable. Recorded like the result: a
        // full state directory makes it wait (the reservation stays counted meanwhile), never
        // discards the paid image and releases its price.
        if image.costUSD > 0 {
            try await space.whileStateFull("a paid result", log: log) {
                try database.recordPaidCall(stageID: runnable.stageID, costUSD: image.costUSD)
            }
        }
        return CheckedImage(
            image: image, format: try checkOutput(image), prompt: request.prompt, seed: Int64(bitPattern: request.seed),
            inputs: request.inputs, negativePrompt: provider.negativePromptSent(for: request))
    }

    /// The stage's context from the store; a kit deleted meanwhile is `kit_missing`.
    func readContext(_ runnable: RunnableStage) throws -> StageContext {
        guard let context = try database.stageContext(stageID: runnable.stageID, kitID: runnable.kitID) else {
            throw RefkitError(.kitMissing, "the kit vanished")
        }
        return context
    }

    /// Failures a different provider might not have (not budgets, not our own state).
    static func isProviderFailure(_ error: any Error) -> Bool {
        if error is ProviderError { return true }
        if let e = error as? RefkitError { return e.code.family == "provider" }
        return false
    }

    static func failure(_ error: any Error) -> RefkitError {
        switch error {
        case let e as RefkitError: e
        case let e as ProviderError: RefkitError(RefkitError.Code(rawValue: e.code.rawValue), e.message, detail: e.detail)
        default: RefkitError(.internalError, "\(error)")
        }
    }

    /// The request for `runnable`, and the generation of the kit's locked reference it is made
    /// from (nil: not from the locked reference), read together with the reference file so a
    /// re-selection meanwhile leaves the stage marked as made from the earlier one.
    func prepare(
        _ runnable: RunnableStage, stage: Stage, context: StageContext
    ) async throws -> (GenerationRequest, referenceGeneration: Int?) {
        let kit = context.kit
        var inputs = StageRequest.Inputs(kitID: kit.id, textOnly: kit.textOnly, order: context.order, generation: runnable.generation)
        let order = inputs.order
        if let record = context.source {
            let bytes = try work.normalisedSource(
                kitID: kit.id, originalPath: record.storedPath, maxLongSide: configuration.outputs.sourceLongSide)
            inputs.source = ReferenceImage(bytes: bytes, mime: "image/jpeg")
        }
        inputs.extraSources = try extraSourceImages(kitID: kit.id, context: context)
        if stage.needsLockedReference, let file = kit.lockedReference {
            inputs.locked = ReferenceImage(bytes: try work.read(file), mime: "image/png")
        }
        if case .swap = stage, inputs.locked != nil, let input = context.stage?.input {
            let ext = (input as NSString).pathExtension.lowercased()
            let mime = ImageFormat(fileExtension: ext)?.mime ?? "image/jpeg"
            inputs.swapTarget = ReferenceImage(bytes: try work.read(input), mime: mime)
        }
        if order.analyze == true, let subject = try StageRequest.subject(stage: stage, inputs: inputs), !kit.textOnly {
            inputs.analysis = try await analysis(of: kit, sources: StageRequest.analyzed(subject: subject, stage: stage, inputs: inputs))
        }
        try checkContentRating(kit, analysis: inputs.analysis ?? Self.storedAnalysis(kit), order: order)
        if kit.textOnly, case .scene(let id) = stage {
            let scene = order.scenes.first { $0.id == id } ?? Order.Scene(id: id, description: "")
            for name in KitPlan.sceneCharacters(scene, in: order) {
                guard let done = context.stages.first(where: { $0.stage == .character(name) && $0.status == .done }), let file = done.file
                else { continue }
                inputs.sceneCharacters.append(ReferenceImage(bytes: try work.read(file), mime: (done.format ?? .png).mime))
            }
        }
        if stage.isMadeImage { inputs.bestReferences = try bestReferences(context) }
        let request = try StageRequest.make(stage: stage, inputs: inputs)
        return (request, inputs.locked == nil ? nil : kit.referenceGeneration)
    }

    /// A provider's image is judged like a dropped file (`ImageJudge`, with `[limits]`): libmagic
    /// on the bytes, size and pixel limits from the header, then a strict full decode (unless
    /// the client already did that decode: every HTTP provider validates what it receives).
    /// Returns the format the bytes are, which names the work file and the stored record.
    func checkOutput(_ image: GeneratedImage) throws -> ImageFormat {
        let limits = configuration.limits
        let judge = try ImageJudge(limits: ImageJudge.Limits(maxPixels: limits.maxSourcePixels, maxAspectRatio: limits.maxAspectRatio))
        guard image.bytes.count <= limits.maxSourceBytes else {
            throw RefkitError(
                .providerInvalidImage, "the provider returned an image larger than max_source_bytes",
                detail: "\(image.bytes.count) bytes")
        }
        switch judge.judge(image.bytes, decode: !image.decodeVerified) {
        case .success(let judged):
            return judged.format
        case .failure(let error):
            throw RefkitError(
                .providerInvalidImage, "the provider returned something that is not a valid image",
                detail: "\(error.code): \(error.message)")
        }
    }
}
