import RefkitCore
import RefkitService
import RefkitStore

// `POST /api/v1/kits/{id}/qa` and the kit page's "Check again": `refkit qa` run by the daemon
// (`WebQAChecks`), answered 202 at once; the kit's events tell the end. The form answers 303.
extension WebApp {
    func checkAgain(_ reference: String, _ body: WebJSONBody) throws -> JSONValue {
        try checkAgain(reference, try KitQARequest(json: body.members))
    }

    func checkAgain(_ reference: String, _ request: KitQARequest) throws -> JSONValue {
        guard let kit = try database.kit(reference) else { throw Self.unknownKit(reference) }
        guard let checks = qaChecks else {
            // Only a web server without a daemon behind it (a benchmark) has none.
            throw WebProblem(503, "qa_unavailable", "checking a kit again needs the daemon: run `refkit qa \(kit.name)`")
        }
        let configuration = self.configuration
        if let refusal = request.refusal(kit: kit.name, status: kit.status, qa: configuration.qa, checking: checks.isChecking(kit.id)) {
            throw refusal
        }
        let (database, logger) = (self.database, self.logger)
        let started = checks.start(kitID: kit.id, judge: request.judge) { error in
            // The page waits for the kit's events: a check that stopped says so there, not only in the log.
            let (code, message) = Self.failure(error)
            logger.error("checking a kit again failed", metadata: ["kit": "\(kit.name)", "code": "\(code)", "error": "\(message)"])
            do {
                try database.appendEvent(
                    kitID: kit.id, watch: kit.watch, type: EventType.qaRecheckFailed.rawValue, code: code, message: message)
            } catch {
                logger.error("cannot record a failed check", metadata: ["kit": "\(kit.name)", "error": "\(error)"])
            }
        }
        guard started else {
            throw request.refusal(kit: kit.name, status: kit.status, qa: configuration.qa, checking: true)
                ?? WebProblem(409, "kit_busy", "\(kit.name) is being checked again already")
        }
        logger.info("checking a kit again from the web UI", metadata: ["kit": "\(kit.name)", "judge": "\(request.judge)"])
        return .object([
            ("kit_id", .string(kit.id)), ("kit", .string(kit.name)), ("judge", .bool(request.judge)),
            ("page", .string(WebLinks.kit(kit.id))), ("events", .string(WebLinks.events)),
            (
                "note",
                .string(
                    "the check runs in the daemon; the kit's event qa_rechecked tells it ended (the verdicts are recorded and the kit "
                        + "is published again), qa_recheck_failed that it could not")
            ),
        ])
    }

    /// The kit page's form: the same check, then back to the kit's page (303).
    func qaForm(_ reference: String, _ request: HTTPRequest) throws -> HTTPResponse {
        let result = try checkAgain(reference, KitQARequest(form: WebForm(body: request.body)))
        return Self.redirect(Self.kitLocation(result, fallback: reference))
    }

    /// An error's code and reason for the event log: a `RefkitError`'s own, else `qa_recheck_failed`.
    static func failure(_ error: any Error) -> (code: String, message: String) {
        if let error = error as? RefkitError {
            return (error.code.rawValue, error.detail.isEmpty ? error.message : "\(error.message): \(error.detail)")
        }
        return (EventType.qaRecheckFailed.rawValue, "\(error)")
    }
}
