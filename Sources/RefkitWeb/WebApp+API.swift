import RefkitCivitai
import RefkitCore
import RefkitService
import RefkitStore

/// The JSON API's kit operations: the CLI's store transactions, answered as JSON.
extension WebApp {
    /// Kits per API page unless `limit` says otherwise, and the most a page may hold.
    static let defaultPageSize = 50
    static let maximumPageSize = 200

    func statusDocument() throws -> JSONValue {
        try StatusJSON.document(
            database: database, stateDir: configuration.stateDir, daemonPID: daemonPID,
            lastBatch: try BatchSummaries.last(database: database))
    }

    /// The filter and page a list request asks for (API and list page alike).
    func kitQuery(_ form: WebForm) throws -> (filter: RefkitDatabase.KitFilter, before: String?, limit: Int) {
        var filter = RefkitDatabase.KitFilter()
        if let status = form["status"], !status.isEmpty {
            guard let value = KitStatus(rawValue: status) else {
                throw WebProblem(
                    400, "bad_request", "status \"\(status)\" is not one of \(KitStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = value
        }
        if let watch = form["watch"], !watch.isEmpty {
            guard configuration.watches.contains(where: { $0.name == watch }) else {
                throw WebProblem(400, "bad_request", "no watch is named \"\(watch)\"")
            }
            filter.watch = watch
        }
        if let review = form["needs_review"], !review.isEmpty {
            guard let flag = ["1": true, "true": true, "on": true, "0": false, "false": false][review] else {
                throw WebProblem(400, "bad_request", "needs_review is 1 or 0")
            }
            filter.needsReview = flag
        }
        var limit = Self.defaultPageSize
        if let text = form["limit"], !text.isEmpty {
            guard let value = Int(text), (1...Self.maximumPageSize).contains(value) else {
                throw WebProblem(400, "bad_request", "limit is a whole number from 1 to \(Self.maximumPageSize)")
            }
            limit = value
        }
        let before = form["before"].flatMap { $0.isEmpty ? nil : $0 }
        return (filter, before, limit)
    }

    func kitList(_ form: WebForm) throws -> JSONValue {
        let query = try kitQuery(form)
        let page = try database.kitPage(query.filter, before: query.before, limit: query.limit)
        let next = page.more ? page.kits.last.map { JSONValue.string($0.id) } ?? .null : .null
        return .object([("kits", .array(try database.kitSummaries(page.kits))), ("next_before", next)])
    }

    func kitDetail(_ reference: String) throws -> JSONValue {
        guard let kit = try database.kit(reference) else { throw Self.unknownKit(reference) }
        let stages = try database.stages(kitID: kit.id)
        let source = try kit.sourceID.flatMap { try database.source(id: $0) }
        return KitJSON.detail(
            kit, stages: stages, source: source, qa: KitJSON.qaSummary(stages, spendUSD: try database.qaSpend(kitID: kit.id)),
            sources: try database.kitSources(kitID: kit.id))
    }

    func select(_ reference: String, _ body: WebJSONBody) throws -> JSONValue {
        try body.only(["candidate", "remake"])
        guard case .number(let value, true)? = body.members["candidate"], value >= 1, value <= 64 else {
            throw WebProblem(400, "bad_request", "\"candidate\" is the candidate's number (1, 2, ...)")
        }
        var remake = false
        if let flag = body.members["remake"] {
            guard case .bool(let value) = flag else { throw WebProblem(400, "bad_request", "\"remake\" is true or false") }
            remake = value
        }
        return try select(reference, candidate: Int(value), remake: remake)
    }

    func select(_ reference: String, candidate: Int, remake: Bool) throws -> JSONValue {
        let result = try database.selectCandidate(
            kit: reference, number: candidate, how: "selected: candidate \(candidate) (web)", requireAwaiting: true, remake: remake)
        return Self.commandJSON(result)
    }

    func regenerate(_ reference: String, _ body: WebJSONBody) throws -> JSONValue {
        try body.only(["stages"])
        guard case .array(let names)? = body.members["stages"], !names.isEmpty else {
            throw WebProblem(400, "bad_request", "\"stages\" is a list of stage names, e.g. [\"side\"]")
        }
        let texts = try names.map { name -> String in
            guard case .string(let text) = name else { throw WebProblem(400, "bad_request", "stage names are strings") }
            return text
        }
        return try regenerate(reference, stageNames: texts)
    }

    func regenerate(_ reference: String, stageNames: [String]) throws -> JSONValue {
        let stages = try stageNames.map { name in
            guard let stage = Stage(name: name) else {
                throw WebProblem(400, "bad_request", "\"\(name)\" is not a stage name (avatar, side, expression:smile, scene:beach, ...)")
            }
            return stage
        }
        return Self.commandJSON(try database.regenerate(kit: reference, stages: stages))
    }

    func retry(_ reference: String) throws -> JSONValue { Self.commandJSON(try database.retryFailed(kit: reference)) }

    func delete(_ reference: String) throws -> JSONValue {
        let outcome = try KitDeletion.delete(reference, database: database, stateDir: configuration.stateDir)
        logger.info("kit deleted from the web UI", metadata: ["kit": "\(outcome.kitName)", "kit_id": "\(outcome.kitID)"])
        return .object([
            ("kit_id", .string(outcome.kitID)), ("kit", .string(outcome.kitName)), ("deleted", .bool(true)),
            ("removed", .array(outcome.removed.map(JSONValue.string))),
        ])
    }

    static func commandJSON(_ result: KitCommandResult) -> JSONValue {
        .object([
            ("kit_id", .string(result.kitID)), ("kit", .string(result.kitName)), ("message", .string(result.message)),
            ("stages", .array(result.stages.map { .string($0.name) })),
        ])
    }

    static func unknownKit(_ reference: String) -> WebProblem {
        WebProblem(404, "kit_unknown", "no kit has this id, name or slug: \(reference)")
    }
}
