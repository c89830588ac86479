import Foundation
import RefkitCore
import Synchronization

/// Replicate's predictions API on 127.0.0.1 (an OS-chosen port), speaking the real wire
/// protocol: `POST /v1/models/{owner}/{name}/predictions` and `POST /v1/predictions` (with a
/// `version`) create a prediction; with `Prefer: wait[=n]` the answer is the finished
/// prediction (unless `finishesWithinWait` is false), without it the `starting` one.
/// `GET /v1/predictions/{id}` steps through `statusSequence`; `POST …/{id}/cancel` cancels.
/// Predictions carry `urls.get`/`urls.cancel` pointing at the fake, and their output points at
/// `/files/NAME`, served without auth. Every request is recorded; scripted replies (`script`)
/// replace the normal answer of a route, first in first out.
public final class FakeReplicate: ScriptedFake {
    public typealias Call = FakeFal.Call
    public typealias Reply = FakeFal.Reply

    public enum Route: String, Sendable {
        case create, get, cancel, file, unknown
    }

    /// `http://127.0.0.1:PORT` (the API lives under `/v1`, as at api.replicate.com).
    public let baseURL: String
    /// The token the fake accepts (`Authorization: Bearer <token>`).
    public let token: String
    /// The PNG the default output points at (`{base}/files/out.png`).
    public let resultImage: [UInt8]

    public var record: FakeRecord<Route> { core.record }
    private let core: Core
    private let loopback: FakeFal.Loopback

    private init(token: String, resultImage: [UInt8], core: Core, loopback: FakeFal.Loopback) {
        self.token = token
        self.resultImage = resultImage
        self.core = core
        self.loopback = loopback
        self.baseURL = loopback.baseURL
    }

    /// Starts a fake; `resultImage` defaults to a small synthetic PNG.
    public static func start(token: String = "r8_test_token_0123456789", resultImage: [UInt8]? = nil) async throws -> FakeReplicate {
        let image = try resultImage ?? ImageFixtures.png(seed: 88, width: 36, height: 28)
        let core = Core(token: token)
        let loopback = try await FakeFal.Loopback.start { call in core.handle(call) }
        core.state.withLock { $0.baseURL = loopback.baseURL }
        core.record.host("out.png", bytes: image, contentType: "image/png")
        return FakeReplicate(token: token, resultImage: image, core: core, loopback: loopback)
    }

    /// Runs `body` with a started fake and stops it afterwards.
    public static func with<T>(
        token: String = "r8_test_token_0123456789", resultImage: [UInt8]? = nil, _ body: (FakeReplicate) async throws -> T
    ) async throws -> T {
        try await running(start(token: token, resultImage: resultImage), body)
    }

    public func stop() async { await loopback.stop() }

    // MARK: Scripting (`script` and `host` come from ScriptedFake, as does the inspection API)

    /// The statuses a prediction reports: the create answer (without `Prefer: wait`) shows the
    /// first, each GET the next; the last repeats. Default: starting, processing, succeeded.
    public func setStatusSequence(_ statuses: [String]) {
        precondition(!statuses.isEmpty)
        core.state.withLock { $0.statusSequence = statuses }
    }

    /// Whether `Prefer: wait` answers the finished prediction (true, the default) or the
    /// unfinished one (a model slower than the wait).
    public func setFinishesWithinWait(_ finishes: Bool) {
        core.state.withLock { $0.finishesWithinWait = finishes }
    }

    /// The `output` JSON of a succeeded prediction; `{base}` is replaced by `baseURL`.
    /// Default: `"{base}/files/out.png"` (a string).
    public func setOutput(_ template: String) {
        core.state.withLock { $0.outputTemplate = template }
    }

    /// The `error` text of a failed prediction.
    public func setFailure(_ error: String) {
        core.state.withLock { $0.failure = error }
    }

    // MARK: - The server's behaviour

    private struct Prediction {
        var model: String
        var version: String
        var input: RefkitCore.JSONValue
        var step = 0
        var canceled = false
    }

    private struct State {
        var baseURL = ""
        var statusSequence = ["starting", "processing", "succeeded"]
        var finishesWithinWait = true
        var outputTemplate: String?
        var failure = "Prediction failed"
        var predictions: [String: Prediction] = [:]
    }

    private final class Core: Sendable {
        let token: String
        let state = Mutex(State())
        let record = FakeRecord<Route>()

        init(token: String) { self.token = token }

        func handle(_ call: Call) -> Reply {
            let parts = call.path.split(separator: "/").map(String.init)
            let route = Self.route(method: call.method, parts: parts)
            return state.withLock { state in
                record.receive(call, as: route)
                if route == .file {
                    return record.serveFile(
                        parts, route: .file, notFound: Self.problem(404, "Not found", "The requested file does not exist"))
                }
                guard call.header("authorization") == "Bearer \(token)" else {
                    return Self.problem(401, "Unauthenticated", "You did not pass a valid authentication token")
                }
                if let reply = record.takeScripted(route) { return reply }
                switch route {
                case .create: return create(call, parts: parts, state: &state)
                case .get, .cancel:
                    let id = parts[2]
                    guard var prediction = state.predictions[id] else {
                        return Self.problem(404, "Not found", "The requested resource could not be found")
                    }
                    if route == .cancel {
                        prediction.canceled = true
                    } else {
                        prediction.step += 1
                    }
                    state.predictions[id] = prediction
                    return .json(200, render(id: id, prediction, state: state))
                case .file, .unknown: return Self.problem(404, "Not found", "The requested resource could not be found")
                }
            }
        }

        static func route(method: String, parts: [String]) -> Route {
            switch (method, parts.count) {
            case ("GET", 2) where parts[0] == "files": .file
            case ("POST", 5) where parts[0] == "v1" && parts[1] == "models" && parts[4] == "predictions": .create
            case ("POST", 2) where parts == ["v1", "predictions"]: .create
            case ("GET", 3) where parts[0] == "v1" && parts[1] == "predictions": .get
            case ("POST", 4) where parts[0] == "v1" && parts[1] == "predictions" && parts[3] == "cancel": .cancel
            default: .unknown
            }
        }

        /// Replicate's problem-details error body.
        static func problem(_ status: Int, _ title: String, _ detail: String, headers: [String: String] = [:]) -> Reply {
            var t = ""
            var d = ""
            RefkitCore.JSONValue.quote(title, into: &t)
            RefkitCore.JSONValue.quote(detail, into: &d)
            return .json(status, #"{"title":\#(t),"detail":\#(d),"status":\#(status)}"#, headers: headers)
        }

        func create(_ call: Call, parts: [String], state: inout State) -> Reply {
            guard let body = call.json, case .object = body else {
                return Self.problem(400, "Invalid JSON", "The request body is not a JSON object")
            }
            guard let input = body["input"], case .object(let members) = input else {
                return Self.problem(422, "Input validation failed", "input is required")
            }
            for (key, value) in members {
                let strings: [String] =
                    switch value {
                    case .string(let s): [s]
                    case .array(let items): items.compactMap { if case .string(let s) = $0 { s } else { nil } }
                    default: []
                    }
                for s in strings where s.hasPrefix("data:") && FakeFal.DataURI.decode(s) == nil {
                    return Self.problem(422, "Input validation failed", "\(key): invalid data URL")
                }
            }
            let model: String
            let version: String
            if parts.count == 5 {
                model = "\(parts[2])/\(parts[3])"
                version = "hidden"
            } else {
                guard case .string(let v)? = body["version"], !v.isEmpty else {
                    return Self.problem(
                        422, "Invalid version or not permitted",
                        "The specified version does not exist (or perhaps you don't have permission to use it?)")
                }
                model = "owner/model"
                version = v
            }
            let id = String(UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(26))
            var prediction = Prediction(model: model, version: version, input: input)
            if let prefer = call.header("prefer"), prefer.hasPrefix("wait"), state.finishesWithinWait {
                prediction.step = state.statusSequence.count - 1
            }
            state.predictions[id] = prediction
            return .json(201, render(id: id, prediction, state: state), headers: ["location": "\(state.baseURL)/v1/predictions/\(id)"])
        }

        func render(id: String, _ p: Prediction, state: State) -> String {
            let status = p.canceled ? "canceled" : state.statusSequence[min(p.step, state.statusSequence.count - 1)]
            let output =
                status == "succeeded"
                ? (state.outputTemplate ?? #""{base}/files/out.png""#).replacingOccurrences(of: "{base}", with: state.baseURL) : "null"
            var error = "null"
            if status == "failed" {
                error = ""
                RefkitCore.JSONValue.quote(state.failure, into: &error)
            }
            let done = ["succeeded", "failed", "canceled", "aborted"].contains(status)
            let urls = "\(state.baseURL)/v1/predictions/\(id)"
            return
                #"{"id":"\#(id)","model":"\#(p.model)","version":"\#(p.version)","input":\#(p.input.serialized),"logs":"","#
                + #""output":\#(output),"data_removed":false,"error":\#(error),"status":"\#(status)","#
                + #""created_at":"2025-01-01T00:00:00.000Z","#
                + #""started_at":\#(status == "starting" ? "null" : #""2025-01-01T00:00:01.000Z""#),"#
                + #""completed_at":\#(done ? #""2025-01-01T00:00:05.000Z""# : "null"),"urls":{"get":"\#(urls)","#
                + #""cancel":"\#(urls)/cancel","stream":"\#(state.baseURL)/stream/\#(id)"},"#
                + #""metrics":{\#(done ? #""predict_time":4.52"# : "")}}"#
        }
    }
}
