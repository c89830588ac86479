import RefkitCore
import RefkitService

/// The upload, and the pages' forms: each form route runs the API's operation and answers 303,
/// so every button works without JavaScript (app.js upgrades them to fetch).
extension WebApp {
    func upload(_ request: HTTPRequest) throws -> JSONValue {
        let form = try WebMultipart(body: request.body, contentType: request.header("Content-Type") ?? "")
        let upload = try WebUpload(form, watches: configuration.watches.map(\.name))
        guard let watch = configuration.watches.first(where: { $0.name == upload.watch }) else {
            throw WebProblem(400, "bad_request", "no watch is named \"\(upload.watch)\"")
        }
        let files = try upload.write(into: watch.inbox)
        logger.info("upload written into the inbox", metadata: ["watch": "\(watch.name)", "files": "\(files.joined(separator: ", "))"])
        return .object([
            ("watch", .string(watch.name)), ("files", .array(files.map(JSONValue.string))),
            ("note", .string("intake takes the files as if dropped; the event stream tells what became of them")),
        ])
    }

    func form(_ route: WebRoute, _ request: HTTPRequest) throws -> HTTPResponse {
        let form = WebForm(body: request.body)
        switch route {
        case .formSelect(let id):
            guard let text = form["candidate"], let number = Int(text), number >= 1 else {
                throw WebProblem(400, "bad_request", "choose a candidate by its number")
            }
            let result = try select(id, candidate: number, remake: form["remake"] != nil)
            return Self.redirect(Self.kitLocation(result, fallback: id))
        case .formRegenerate(let id):
            let names = form.all("stage").filter { !$0.isEmpty }
            guard !names.isEmpty else { throw WebProblem(400, "bad_request", "name the stage to make again") }
            return Self.redirect(Self.kitLocation(try regenerate(id, stageNames: names), fallback: id))
        case .formRetry(let id):
            return Self.redirect(Self.kitLocation(try retry(id), fallback: id))
        case .formDelete(let id):
            guard form["confirm"] == "yes" else {
                throw WebProblem(400, "bad_request", "tick \"delete this kit and its files\" to confirm the deletion")
            }
            _ = try delete(id)
            return Self.redirect("/")
        case .formUpload:
            _ = try upload(request)
            return Self.redirect("/")
        default:
            throw WebProblem(404, "not_found", "not a form")
        }
    }

    /// `/kits/ID` of a command's kit.
    static func kitLocation(_ result: JSONValue, fallback: String) -> String {
        if case .object(let members) = result, case .string(let id)? = members.first(where: { $0.0 == "kit_id" })?.1 {
            return "/kits/\(id)"
        }
        return "/kits/\(fallback)"
    }
}
