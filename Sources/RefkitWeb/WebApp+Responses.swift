import RefkitCore
import RefkitPublish
import RefkitService

/// A request the web app refuses, with the HTTP status, a stable code and a reason for the person or script.
public struct WebProblem: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String

    public init(_ status: Int, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}

/// A request's JSON body as an object (`{}` when there is none).
struct WebJSONBody {
    let members: [String: JSONValue]

    init(_ request: HTTPRequest) throws {
        guard !request.body.isEmpty else {
            members = [:]
            return
        }
        guard let value = try? JSONValue.parse(request.body) else {
            throw WebProblem(400, "bad_json", "the body is not JSON")
        }
        guard case .object(let pairs) = value else { throw WebProblem(400, "bad_json", "the body must be a JSON object") }
        members = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    /// Refuses keys other than `known` (a typo must not pass silently).
    func only(_ known: Set<String>) throws {
        if let unknown = members.keys.sorted().first(where: { !known.contains($0) }) {
            throw WebProblem(
                400, "bad_request", "unknown key \"\(unknown)\"; this endpoint takes \(known.sorted().joined(separator: ", "))")
        }
    }
}

extension WebApp {
    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: statusLine(status), contentType: "application/json", body: value.serialized + "\n")
    }

    /// An error answer: JSON `{"error": {"code", "message"}}` for the API, a short HTML page otherwise.
    static func refusal(status: Int, code: String, message: String, api: Bool) -> HTTPResponse {
        if api {
            return json(status, .object([("error", .object([("code", .string(code)), ("message", .string(message))]))]))
        }
        let page = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>refkit: \(HTMLText.escaped(statusLine(status)))</title>\
            <link rel="stylesheet" href="/assets/app.css"></head><body><main><h1>\(HTMLText.escaped(statusLine(status)))</h1>\
            <p data-error="\(HTMLText.escaped(code))">\(HTMLText.escaped(message))</p><p><a href="/">All kits</a></p></main></body></html>

            """
        return HTTPResponse(status: statusLine(status), contentType: "text/html; charset=utf-8", body: page)
    }

    /// `303 See Other` to `location` (a form's answer).
    static func redirect(_ location: String) -> HTTPResponse {
        HTTPResponse(status: statusLine(303), extraHeaders: ["Location: \(location)"], body: "")
    }

    static func denialCode(_ status: Int) -> String {
        switch status {
        case 401: "token_missing_or_wrong"
        case 403: "forbidden"
        case 405: "method_not_allowed"
        default: "bad_request"
        }
    }

    /// The HTTP status of a store refusal: unknown kit 404, a kit in the wrong state 409, bad input 400.
    static func status(of error: RefkitError) -> Int {
        switch error.code {
        case .kitUnknown, .kitMissing: 404
        case .kitBusy, .kitNotAwaitingSelection, .kitHasNoCandidates, .nothingToRetry, .avatarAlreadyChosen, .candidateAlreadyLocked,
            .candidateNotMade, .kitAmbiguous:
            409
        case .inboxUnwritable, .inboxLocked: 503
        default: error.code.family == "order" || error.code.rawValue.hasPrefix("candidate") ? 400 : 500
        }
    }

    static func statusLine(_ status: Int) -> String {
        let reasons: [Int: String] = [
            200: "OK", 202: "Accepted", 204: "No Content", 303: "See Other", 304: "Not Modified", 400: "Bad Request",
            401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
            413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content", 500: "Internal Server Error",
            503: "Service Unavailable",
        ]
        return "\(status) \(reasons[status] ?? "Status")"
    }
}
