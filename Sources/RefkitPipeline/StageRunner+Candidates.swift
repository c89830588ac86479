import Logging
import RefkitCore
import RefkitProviders
import RefkitStore

extension StageRunner {
    /// The avatar step of a kit made with several candidates: once every candidate has ended,
    /// `selection: manual` puts the kit in `awaiting_selection` (published so people can look),
    /// `auto` locks the analyzer's best match to the source, or the first candidate made.
    /// False when the kit has no candidates (its avatar is generated as usual).
    func chooseAmongCandidates(_ runnable: RunnableStage, log: Logger) async throws -> Bool {
        let stages = try database.stages(kitID: runnable.kitID)
        let candidates = stages.filter(\.stage.isCandidate)
        guard !candidates.isEmpty else { return false }
        let made = candidates.filter { $0.status == .done && $0.file != nil }
        guard !made.isEmpty else {
            let reasons = candidates.compactMap { c in c.errorCode.map { "\(c.stage): \($0)" } }.joined(separator: "; ")
            throw RefkitError(.candidatesAllFailed, "no avatar candidate was made", detail: reasons)
        }
        let order = try database.kitOrder(kitID: runnable.kitID)
        if order.selection == .manual {
            // Published first: the kit says it waits (its event, the web UI's selection screen,
            // hooks) only once its candidates are in the outbox for people to look at.
            publisher.publishAwaiting(kitID: runnable.kitID)
            try database.awaitSelection(kitID: runnable.kitID)
            log.notice("avatar candidates made; waiting for a choice", metadata: ["candidates": "\(made.count)/\(candidates.count)"])
            return true
        }
        func number(_ record: StageRecord) -> Int {
            if case .candidate(let n) = record.stage { return n }
            return 1
        }
        var chosen = made[0]
        var how = "auto: first candidate made (candidate \(number(chosen)) of \(candidates.count))"
        if made.count > 1, let analyzer = registry.analyzer, let kit = try database.kit(runnable.kitID), let sourceID = kit.sourceID,
            let record = try database.source(id: sourceID)
        {
            do {
                let source = try work.normalisedSource(
                    kitID: kit.id, originalPath: record.storedPath, maxLongSide: configuration.outputs.sourceLongSide)
                let images = try made.map { ReferenceImage(bytes: try work.read($0.file!), mime: ($0.format ?? .png).mime) }
                let pick = try await budgets.paidAnalyzerCall(
                    kitID: kit.id, subject: "candidate choice"
                ) { () async throws(ProviderError) in
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
        } catch let error as RefkitError where error.code == .candidateNotMade || error.code == .avatarAlreadyChosen {
            // A candidate changed while it was being chosen (regenerated): choose again once it has ended.
            log.notice("the candidates changed while one was being chosen; choosing again later", metadata: ["code": "\(error.code)"])
            return true
        }
        log.info("avatar chosen among candidates", metadata: ["how": "\(how)"])
        return true
    }
}
