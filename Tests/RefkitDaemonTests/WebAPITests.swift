import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import RefkitWeb
import Testing

/// A daemon making kits with a web server on its store (port 0), as `refkit run` serves it.
struct WebRig {
    let dir: TemporaryDirectory
    let configuration: Configuration
    let inbox: String
    let daemon: Daemon
    let running: RunningDaemon
    let web: WebServer
    let serving: Task<Void, Never>
    let client: WebClient

    static func start(_ label: String, order: String) async throws -> WebRig {
        let dir = try TemporaryDirectory(label)
        let inbox = try dir.folder("inbox")
        let text = lifecycleConfig(order)
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        var configuration = try loadConfiguration(text, in: dir)
        configuration.web.enabled = true
        configuration.web.listen = ListenAddress(host: "127.0.0.1", port: 0)
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": SeededProvider()])
        let running = RunningDaemon(daemon)
        let fixed = configuration
        let web = try WebServer(
            configuration: fixed, current: { fixed }, database: daemon.database, daemonPID: nil, logger: quietLogger)
        let serving = Task { await web.run() }
        let token = try #require(try WebToken.load(at: configuration.web.tokenFile))
        return WebRig(
            dir: dir, configuration: fixed, inbox: inbox, daemon: daemon, running: running, web: web, serving: serving,
            client: WebClient(origin: web.origin, token: token.value))
    }

    /// Runs `body` on a started rig and stops it afterwards, also when `body` throws: a server
    /// left running while the test process exits can crash it in its socket pool's thread.
    static func with(_ label: String, order: String, _ body: (WebRig) async throws -> Void) async throws {
        let rig = try await start(label, order: order)
        do {
            try await body(rig)
        } catch {
            try? await rig.stop()
            throw error
        }
        try await rig.stop()
    }

    func stop() async throws {
        web.shutdown()
        serving.cancel()
        await serving.value
        try await running.stop()
    }
}

@Suite("Web API", .timeLimit(.minutes(3)))
struct WebAPITests {
    static let manual = #"stages = ["avatar", "side"]"# + "\n  candidates = 2\n  selection = \"manual\""

    @Test("the door: token, Host, Origin; unknown paths and methods")
    func door() async throws {
        try await WebRig.with("web-door", order: Self.manual) { rig in
            let client = rig.client
            let missing = try await client.send("GET", "/api/v1/status", auth: false)
            #expect(missing.status == 401)
            #expect(missing.errorCode == "token_missing_or_wrong")
            #expect(missing.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
            let wrong = try await client.send(
                "GET", "/api/v1/status", auth: false, headers: ["Authorization: Bearer " + String(repeating: "0", count: 64)])
            #expect(wrong.status == 401)
            let rebinding = try await client.send("GET", "/api/v1/status", headers: ["Host: evil.example:8642"])
            #expect(rebinding.status == 403)
            let status = try await client.send("GET", "/api/v1/status")
            #expect(status.status == 200)
            #expect(status.json?["schema"] == .string("refkit.status/1"))
            #expect(status.header("Cache-Control") == "no-store")
            #expect(try await client.send("GET", "/api/v1/nothing").status == 404)
            let method = try await client.send("PUT", "/api/v1/kits")
            #expect(method.status == 405)
            #expect(method.header("Allow") == "GET")

            // The login link sets the cookie; a cookie-carrying request that changes state must come from this origin.
            let login = try await client.send("GET", "/login?token=\(client.token)", auth: false)
            #expect(login.status == 303)
            #expect(login.header("Set-Cookie")?.contains("HttpOnly; SameSite=Strict") == true)
            let cookie = "Cookie: refkit_token=\(client.token)"
            #expect(try await client.send("GET", "/api/v1/kits", auth: false, headers: [cookie]).status == 200)
            let crossSite = try await client.send(
                "POST", "/api/v1/kits/x/retry", auth: false, headers: [cookie, "Origin: https://evil.example"])
            #expect(crossSite.status == 403)
            let sameSite = try await client.send(
                "POST", "/api/v1/kits/x/retry", auth: false, headers: [cookie, "Origin: \(client.origin)"])
            #expect(sameSite.status == 404, "past the door, the kit is unknown")
            #expect(sameSite.errorCode == "kit_unknown")
        }
    }

    @Test("kits, a kit, select, regenerate, retry, delete: the CLI's operations and their refusals")
    func kitOperations() async throws {
        try await WebRig.with("web-kits", order: Self.manual) { rig in
            let client = rig.client
            try FileFixtures.write(try ImageFixtures.jpeg(seed: 7, width: 96, height: 128), to: "\(rig.inbox)/ann.jpg")
            try await eventually("ann awaits a choice") { try rig.daemon.database.kit("ann")?.status == .awaitingSelection }
            let ann = try #require(try rig.daemon.database.kit("ann"))

            let list = try await client.send("GET", "/api/v1/kits")
            #expect(list.status == 200)
            #expect(list.json?["kits"]?.arrayValue?.first?["kit"] == .string("ann"))
            #expect(list.json?["kits"]?.arrayValue?.first?["status"] == .string("awaiting_selection"))
            #expect(list.json?["next_before"] == .null)
            #expect(try await client.send("GET", "/api/v1/kits?status=complete").json?["kits"] == .array([]))
            #expect(try await client.send("GET", "/api/v1/kits?status=bogus").status == 400)
            #expect(try await client.send("GET", "/api/v1/kits?limit=0").status == 400)
            #expect(try await client.send("GET", "/api/v1/kits?watch=w").json?["kits"]?.arrayValue?.first?["id"] == .string(ann.id))

            let detail = try await client.send("GET", "/api/v1/kits/\(ann.id)")
            #expect(detail.json?["id"] == .string(ann.id))
            #expect(detail.json?["stages"]?.arrayValue?.isEmpty == false)
            #expect(try await client.send("GET", "/api/v1/kits/nobody").errorCode == "kit_unknown")

            #expect(try await client.send("POST", "/api/v1/kits/ann/select", json: "{not json").errorCode == "bad_json")
            #expect(try await client.send("POST", "/api/v1/kits/ann/select", json: #"{"candidate": "1"}"#).status == 400)
            #expect(try await client.send("POST", "/api/v1/kits/ann/select", json: #"{"candidate": 1, "x": 1}"#).status == 400)
            let selected = try await client.send("POST", "/api/v1/kits/ann/select", json: #"{"candidate": 2}"#)
            #expect(selected.status == 200, "\(selected.body)")
            #expect(selected.json?["kit_id"] == .string(ann.id))
            try await eventually("ann is complete") { try rig.daemon.database.kit(ann.id)?.status == .complete }
            #expect(try await client.send("POST", "/api/v1/kits/ann/regenerate", json: #"{"stages": ["sideways"]}"#).status == 400)
            let before = try #require(try rig.daemon.database.stages(kitID: ann.id).first { $0.stage == .side })
            let regenerated = try await client.send("POST", "/api/v1/kits/ann/regenerate", json: #"{"stages": ["side"]}"#)
            #expect(regenerated.status == 200, "\(regenerated.body)")
            try await eventually("side is made again") {
                let side = try rig.daemon.database.stages(kitID: ann.id).first { $0.stage == .side }
                return side?.status == .done && side?.generation == before.generation + 1
            }
            let retry = try await client.send("POST", "/api/v1/kits/ann/retry")
            #expect(retry.status == 409)
            #expect(retry.errorCode == "nothing_to_retry")

            // Selecting again on a chosen avatar re-locks it, as `refkit select` does.
            let again = try await client.send("POST", "/api/v1/kits/ann/select", json: #"{"candidate": 1}"#)
            #expect(again.status == 200, "\(again.body)")
            try await eventually("ann is complete from candidate 1") {
                try rig.daemon.database.kit(ann.id)?.status == .complete
                    && rig.daemon.database.stages(kitID: ann.id).allSatisfy { $0.status == .done || $0.stage.isCandidate }
            }
            let problems = try openAPIProblems([
                ("KitList", list.body), ("KitDetail", try await client.send("GET", "/api/v1/kits/\(ann.id)").body),
                ("CommandResult", selected.body), ("CommandResult", regenerated.body), ("Error", retry.body),
                ("Status", try await client.send("GET", "/api/v1/status").body),
                ("EventPage", try await client.send("GET", "/api/v1/events?after=0&wait=0").body),
            ])
            #expect(problems == nil, "\(problems ?? "")")
            let folder = try #require(try rig.daemon.database.kit(ann.id)?.outboxDir)
            let deleted = try await client.send("DELETE", "/api/v1/kits/ann")
            #expect(deleted.status == 200, "\(deleted.body)")
            #expect(deleted.json?["deleted"] == .bool(true))
            #expect(!FileManager.default.fileExists(atPath: folder))
            #expect(try rig.daemon.database.kit(ann.id) == nil)
            #expect(try await client.send("DELETE", "/api/v1/kits/ann").status == 404)
            #expect(try openAPIProblems([("Deleted", deleted.body)]) == nil)
        }
    }

    @Test("files are served from the outbox only; uploads go through the inbox")
    func filesAndUploads() async throws {
        try await WebRig.with("web-files", order: #"stages = ["avatar"]"#) { rig in
            let client = rig.client
            let image = rig.dir.url("upload me.jpg")
            try FileFixtures.write(try ImageFixtures.jpeg(seed: 9, width: 96, height: 128), to: image)
            let order = #"{"schema": "refkit.order/1", "kit": "Cleo"}"#
            let upload = try await client.send("POST", "/api/v1/orders", form: ["image=@\(image);type=image/jpeg", "order=\(order)"])
            #expect(upload.status == 202, "\(upload.body)")
            #expect(try openAPIProblems([("Upload", upload.body)]) == nil)
            #expect(upload.json?["files"] == .array([.string("Cleo.json"), .string("Cleo.jpg")]))
            try await eventually("Cleo is complete") { try rig.daemon.database.kit("Cleo")?.status == .complete }
            let folder = try #require(try rig.daemon.database.kit("Cleo")?.outboxDir)
            let kitFolder = (folder as NSString).lastPathComponent

            let manifest = try await client.send("GET", "/files/\(kitFolder)/manifest.json")
            #expect(manifest.status == 200)
            #expect(manifest.header("Content-Type") == "application/json")
            #expect(manifest.json?["kit"] == .string("Cleo"))
            let avatar = try await client.send("GET", "/files/\(kitFolder)/avatar.png")
            #expect(avatar.status == 200)
            #expect(avatar.header("Content-Type") == "image/png")
            for path in [
                "/files/\(kitFolder)/../../refkit.toml", "/files/\(kitFolder)/%2e%2e/x", "/files/\(kitFolder)/.hidden",
                "/files/\(kitFolder)",
            ] {
                #expect(try await client.send("GET", path).status == 404, "\(path)")
            }
            // A symlink planted in the outbox does not lead out of it.
            try FileManager.default.createSymbolicLink(atPath: "\(folder)/escape.json", withDestinationPath: rig.dir.url("refkit.toml"))
            #expect(try await client.send("GET", "/files/\(kitFolder)/escape.json").status == 404)

            // A kit without candidates has nothing to select.
            let noCandidates = try await client.send("POST", "/api/v1/kits/Cleo/select", json: #"{"candidate": 1}"#)
            #expect(noCandidates.status == 409, "\(noCandidates.body)")

            // Bad uploads: nothing, an unknown watch, not multipart; a bad order is intake's to reject, as if dropped.
            #expect(try await client.send("POST", "/api/v1/orders", form: ["watch=w"]).status == 400)
            #expect(try await client.send("POST", "/api/v1/orders", form: ["watch=nope", "order=\(order)"]).status == 400)
            #expect(try await client.send("POST", "/api/v1/orders", json: order).status == 415)
            let bad = try await client.send("POST", "/api/v1/orders", form: [#"order={"schema": "refkit.order/1", "colour": 1}"#])
            #expect(bad.status == 202)
            try await eventually("the bad order is rejected into rejected/") {
                let rejected = (try? FileManager.default.contentsOfDirectory(atPath: rig.configuration.watches[0].rejected)) ?? []
                return rejected.contains { $0.hasSuffix(".error.json") }
            }
        }
    }
}
