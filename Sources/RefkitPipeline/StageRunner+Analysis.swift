import RefkitConfig
import RefkitCore
import RefkitProviders
import RefkitStore

extension StageRunner {
    /// The analyzer's description of the kit's sources (the primary first, read together): made
    /// once per kit and kept in the store.
    /// Stages that need it while it is being made (a kit's candidates start together) wait for
    /// that one call rather than each paying for their own.
    func analysis(of kit: KitRecord, sources: [ReferenceImage]) async throws -> JSONValue {
        if let json = Self.storedAnalysis(kit) { return json }
        return try await analyses.run(kit.id) { [self] in
            // A call that ended after `kit` was read has stored its answer.
            if let fresh = try database.kit(kit.id), let json = Self.storedAnalysis(fresh) { return json }
            return try await describe(kit, sources: sources)
        }
    }

    /// Records the kit's content rating (the analyzer's, else the order's source) when it is new,
    /// and throws `content_rating_refused` when it is above its watch's `max_content_rating`:
    /// called before the stage is started, so a refused kit makes no paid generation.
    func checkContentRating(_ kit: KitRecord, analysis: JSONValue?, order: Order) throws {
        guard let rating = ContentRating.of(analysis: analysis, source: order.source) else { return }
        if kit.contentRating != rating { try database.setContentRating(kitID: kit.id, rating: rating) }
        let limit = configuration.watch(named: kit.watch)?.maxContentRating
        if let refusal = rating.refusal(limit: limit, watch: kit.watch) { throw refusal }
    }

    static func storedAnalysis(_ kit: KitRecord) -> JSONValue? {
        kit.analysis.flatMap { try? JSONValue.parse($0) }
    }

    /// Asks the analyzer to describe the kit's sources and keeps the answer in the store. A
    /// failed or missing analyzer is recorded and generation goes on without.
    func describe(_ kit: KitRecord, sources: [ReferenceImage]) async throws -> JSONValue {
        guard let analyzer = registry.analyzer else {
            let reason = registry.analyzerUnavailable ?? "no [analyzer] is configured"
            logger.warning(
                "the order asks for analysis but the analyzer cannot be used", metadata: ["kit.id": "\(kit.id)", "reason": "\(reason)"])
            let json = JSONValue.object([("error", .object([("code", .string("analyzer_unavailable")), ("message", .string(reason))]))])
            try database.setAnalysis(kitID: kit.id, json: json.serialized)
            return json
        }
        try database.markAnalyzing(kitID: kit.id)
        let json: JSONValue
        do {
            let result = try await budgets.paidAnalyzerCall(kitID: kit.id, subject: "analysis") { () async throws(ProviderError) in
                try await analyzer.analyze(images: sources)
            }
            var members: [(key: String, value: JSONValue)] = [
                ("attributes", .object(result.attributes.map { ($0.key, .string($0.value)) }))
            ]
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
            json = .object([("error", .object([("code", .string(failure.code.rawValue)), ("message", .string(failure.message))]))])
        }
        try database.setAnalysis(kitID: kit.id, json: json.serialized)
        return json
    }
}
