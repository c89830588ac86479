import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitDigest
import RefkitHTTP
import RefkitHooks
import RefkitQA
import RefkitStore
import RefkitTestSupport
import Synchronization
import Testing

/// A real database in a temporary folder, a real HTTP client, a captured log, and a clock the
/// test moves by hand (`now`), so retries come due when the test says, not after real waits.
final class HookRig: Sendable {
    static let secret = Array("s3cret-key".utf8)
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    let dir: TemporaryDirectory
    let database: RefkitDatabase
    let log = CapturedLog()
    let events = EventBroadcast<PipelineEvent>()
    let http: HTTPClient
    private let clock = Mutex(HookRig.t0)
    private let kits = Mutex(0)

    init() throws {
        dir = try TemporaryDirectory("hooks")
        database = try RefkitDatabase(path: dir.url("refkit.sqlite"))
        http = HTTPClient(logger: log.logger)
    }

    deinit { http.shutdown() }

    var now: Date { clock.withLock { $0 } }
    func advance(_ seconds: Double) { clock.withLock { $0 = $0.addingTimeInterval(seconds) } }

    static func urlHook(
        _ name: String = "chat", url: String, on: [Configuration.Hook.Event] = Configuration.Hook.Event.allCases
    )
        -> Configuration.Hook
    {
        var hook = Configuration.Hook(name: name)
        hook.url = url
        hook.secretFile = "/unused"
        hook.on = on
        return hook
    }

    static func commandHook(_ name: String = "script", _ argv: [String], timeout: Int = 30) -> Configuration.Hook {
        var hook = Configuration.Hook(name: name)
        hook.command = argv
        hook.commandTimeoutSeconds = timeout
        return hook
    }

    /// A dispatcher over this rig's database (a second one on the same file is a restart).
    func dispatcher(
        _ hooks: [Configuration.Hook], database: RefkitDatabase? = nil, tick: Duration = .seconds(3600)
    ) throws
        -> HookDispatcher
    {
        var options = HookDispatcher.Options()
        options.now = { [self] in now }
        options.random = { 0.5 }
        options.tick = tick
        let keys = Dictionary(uniqueKeysWithValues: hooks.filter { $0.url != nil }.map { ($0.name, Self.secret) })
        return try HookDispatcher(
            hooks: hooks, secrets: HookSecrets(keys: keys), database: database ?? self.database, events: events, http: http,
            logger: log.logger, options: options)
    }

    /// A kit of `watch` accepted, its references made, and finished with `status` (a reference
    /// failed QA when `failedQA`); returns its id.
    @discardableResult
    func finishedKit(_ name: String, watch: String = "w", status: KitStatus = .complete, failedQA: Bool = false) throws -> String {
        let kitID = try acceptedKit(name, watch: watch)
        let sha = SHA256Digest.hex(of: Array("ref \(name)".utf8))
        try database.execute("UPDATE stages SET status = 'done', file = 'ref.png', sha256 = '\(sha)' WHERE kit_id = '\(kitID)'")
        let stage = try #require(try database.stages(kitID: kitID).first)
        let verdict: QAVerdict = failedQA ? .fail : .pass
        #expect(try database.setStageQA(stageID: stage.id, qa: QAStageRecord(verdict: verdict, attempts: 1, checks: [])))
        #expect(try database.finishKit(id: kitID, status: status, outboxDir: "/out/\(name)", errorCode: nil, errorMessage: nil))
        return kitID
    }

    /// A kit accepted into `watch`, not finished.
    func acceptedKit(_ name: String, watch: String = "w") throws -> String {
        let n = kits.withLock { n in
            n += 1
            return n
        }
        let file = FileIdentity(watch: watch, path: "\(name).jpg", device: 1, inode: UInt64(n), size: 1234, mtimeNanos: 1)
        guard case .claimed(let claim) = try database.claim(file) else { throw FixtureError("not claimable: \(name)") }
        let sha = SHA256Digest.hex(of: Array("source \(name)".utf8))
        let source = NewSource(
            sha256: sha, format: .jpeg, width: 64, height: 48, bytes: 1234, storedPath: "originals/\(sha).jpg", originalName: "\(name).jpg")
        let outcome = try database.accept(
            claims: [claim], watch: watch, kitName: name, priority: 10, source: source,
            order: NewOrder(origin: .default, json: #"{"stages":"turnaround"}"#, fileName: nil),
            plan: KitPlan.plan(for: Order(stages: .profile(.turnaround), provider: "preview")))
        guard case .newKit(let kitID, _) = outcome else { throw FixtureError("not a new kit: \(outcome)") }
        return kitID
    }
}

/// A fake receiver on loopback: answers POST /hook from a script of responses (then 200), and
/// checks every request's signature as a receiver would.
final class FakeReceiver: Sendable {
    private final class Script: Sendable {
        let answers: Mutex<[LoopbackServer.Response]>
        init(_ answers: [LoopbackServer.Response]) { self.answers = Mutex(answers) }
    }

    let server: LoopbackServer

    init(answers: [LoopbackServer.Response] = []) async throws {
        server = try await LoopbackServer.start()
        let script = Script(answers)
        server.route("POST", "/hook") { _ in
            script.answers.withLock { $0.isEmpty ? .text("ok") : $0.removeFirst() }
        }
    }

    var url: String { server.baseURL + "/hook" }
    var deliveries: [LoopbackServer.Request] { server.requests(to: "/hook") }
    var deliveryIDs: [String] { deliveries.map { $0.header("x-refkit-delivery") ?? "" } }

    /// Whether `request` carries a good signature of its body under `secret`.
    static func verified(_ request: LoopbackServer.Request, secret: [UInt8] = HookRig.secret) -> Bool {
        guard let timestamp = request.header("x-refkit-timestamp"), let signature = request.header("x-refkit-signature") else {
            return false
        }
        return signature == "sha256=" + HMACSHA256.hex(key: secret, message: Array("\(timestamp).".utf8) + request.body)
    }

    func stop() async { await server.stop() }
}
