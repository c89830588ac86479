import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitTestSupport
import Synchronization
import Testing

@testable import RefkitProviders

/// The example workflow shipped in config/, with refkit.toml's node ids.
private let exampleWorkflow = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("config/comfyui-workflow.json").path

private let fastTuning = ComfyUIProvider.Tuning(
    pollInterval: .milliseconds(20), healthBackoff: .milliseconds(100), maxHealthBackoff: .milliseconds(400), probeTimeout: .seconds(2))

private func settings(
    endpoints: [String], workflow: String = exampleWorkflow, timeout: Duration = .seconds(30), extra: [String: String] = [:]
) -> ProviderSettings {
    var keys = [
        "workflow": workflow, "endpoints": endpoints.joined(separator: ", "), "prompt_node": "6", "seed_node": "25", "image_nodes": "41,42",
        "output_node": "9",
    ]
    keys.merge(extra) { $1 }
    return ProviderSettings(
        name: "comfyui", kind: "comfyui", baseURL: endpoints.first ?? "http://127.0.0.1:1", model: "sd15-img2img", timeout: timeout,
        pricePerImageUSD: 0, extra: keys)
}

private func provider(_ endpoints: [String], timeout: Duration = .seconds(30), http: HTTPClient) throws -> ComfyUIProvider {
    try ComfyUIProvider(settings: settings(endpoints: endpoints, timeout: timeout), http: http, tuning: fastTuning)
}

private func stageRequest(stage: Stage = .front, locked: Bool = true, seed: UInt64 = 424_242) throws -> GenerationRequest {
    GenerationRequest(
        kitID: "mira", stage: stage, prompt: "front view of mira, full body, plain background",
        source: ReferenceImage(bytes: try ImageFixtures.jpeg(seed: 1), mime: "image/jpeg"),
        lockedReference: locked ? ReferenceImage(bytes: try ImageFixtures.png(seed: 2), mime: "image/png") : nil,
        width: 1024, height: 1024, seed: seed)
}

/// The `inputs[key]` of node `id` in a queued workflow.
private func input(_ workflow: JSONValue, _ id: String, _ key: String) -> JSONValue? { workflow[id]?["inputs"]?[key] }

private func expectProviderError(_ body: () async throws -> Void) async -> ProviderError? {
    do {
        try await body()
        Issue.record("expected a ProviderError")
        return nil
    } catch let error as ProviderError {
        return error
    } catch {
        Issue.record("expected a ProviderError, got \(error)")
        return nil
    }
}

@Suite("ComfyUI provider", .timeLimit(.minutes(1)))
struct ComfyUIProviderTests {
    let http = HTTPClient(logger: Logger(label: "test.comfyui"))

    @Test("uploads the source and locked reference, fills the workflow, polls and downloads the output")
    func success() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        let request = try stageRequest()
        let image = try await provider([fake.baseURL], http: http).generate(request)

        // Uploads: the source first, then the locked reference, under unique names.
        let names = fake.uploadNames
        #expect(names.count == 2)
        #expect(Set(names).count == 2)
        #expect(names.allSatisfy { $0.hasPrefix("refkit-mira-") })
        #expect(names[0].hasSuffix(".jpg") && names[1].hasSuffix(".png"))
        #expect(fake.uploads[names[0]] == request.source?.bytes)
        #expect(fake.uploads[names[1]] == request.lockedReference?.bytes)
        let upload = try #require(fake.calls("/upload/image").first)
        #expect(upload.header("content-type")?.hasPrefix("multipart/form-data; boundary=") == true)
        #expect(String(decoding: upload.body, as: UTF8.self).contains("name=\"overwrite\"\r\n\r\ntrue\r\n"))

        // The queued workflow: prompt, seed and image names written in, the rest untouched.
        let queued = try #require(fake.queuedWorkflows.first)
        #expect(input(queued, "6", "text") == .string(request.prompt))
        #expect(input(queued, "25", "seed") == .number(424_242, isInteger: true))
        #expect(input(queued, "41", "image") == .string(names[0]))
        #expect(input(queued, "42", "image") == .string(names[1]))
        #expect(input(queued, "35", "guidance") == .number(2.5, isInteger: false))
        #expect(input(queued, "37", "unet_name") == .string("flux1-dev-kontext_fp8_scaled.safetensors"))
        let clientID = try #require(fake.clientIDs.first)
        #expect(UUID(uuidString: clientID)?.uuidString.lowercased() == clientID)

        // The output, downloaded from /view and checked.
        let view = try #require(fake.calls("/view").first)
        #expect(view.query["filename"] == "ComfyUI_00001_.png")
        #expect(view.query["type"] == "output")
        #expect(view.query["subfolder"] == "")
        #expect(image.mime == "image/png")
        #expect(image.width == 48 && image.height == 48)
        #expect(image.model == "sd15-img2img")
        #expect(image.costUSD == 0)
    }

    @Test("an avatar without a locked reference loads the source in both image nodes")
    func avatarReusesSource() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        _ = try await provider([fake.baseURL], http: http).generate(try stageRequest(stage: .avatar, locked: false))
        #expect(fake.uploadNames.count == 1)
        let queued = try #require(fake.queuedWorkflows.first)
        #expect(input(queued, "41", "image") == .string(fake.uploadNames[0]))
        #expect(input(queued, "42", "image") == .string(fake.uploadNames[0]))
    }

    @Test("seeds above 2^53 are folded so JSON carries them exactly")
    func largeSeed() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        _ = try await provider([fake.baseURL], http: http).generate(try stageRequest(seed: UInt64.max))
        let queued = try #require(fake.queuedWorkflows.first)
        #expect(input(queued, "25", "seed") == .number(Double((1 << 53) - 1), isInteger: true))
    }

    @Test("history is polled until the job is done")
    func pollsUntilDone() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        fake.setPollsBeforeDone(3)
        _ = try await provider([fake.baseURL], http: http).generate(try stageRequest())
        let id = try #require(fake.promptIDs.first)
        #expect(fake.historyPolls(id) == 4)
        #expect(fake.calls("/history/\(id)").count == 4)
        #expect(fake.calls("/view").count == 1)
    }

    @Test("a transient history failure does not lose the job")
    func pollSurvivesA5xx() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        fake.setPollsBeforeDone(1)
        fake.failNext("/history", status: 502)
        _ = try await provider([fake.baseURL], http: http).generate(try stageRequest())
        #expect(fake.promptIDs.count == 1)
    }

    @Test("node_errors are a final bad request carrying ComfyUI's message")
    func nodeErrors() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        let comfy = try provider([fake.baseURL], http: http)

        fake.rejectNextPrompt()
        let error = try #require(await expectProviderError { _ = try await comfy.generate(try stageRequest()) })
        #expect(error.code.rawValue == "provider_bad_request")
        #expect(!error.retryable)
        #expect(error.message.contains("Prompt outputs failed validation"))
        #expect(error.detail.contains("node 4 (CheckpointLoaderSimple): Value not in list: ckpt_name: 'missing.safetensors' not in []"))
        #expect(error.detail.contains("prompt_outputs_failed_validation"))

        fake.rejectNextPromptLegacy("no prompt")
        let legacy = try #require(await expectProviderError { _ = try await comfy.generate(try stageRequest()) })
        #expect(legacy.code.rawValue == "provider_bad_request")
        #expect(legacy.message.contains("no prompt"))

        fake.reportNodeErrorsOnNextPrompt()
        let partial = try #require(await expectProviderError { _ = try await comfy.generate(try stageRequest()) })
        #expect(partial.code.rawValue == "provider_bad_request")
        #expect(!partial.retryable)
        #expect(partial.detail.contains("node 6 (CLIPTextEncode): Required input is missing"))
        #expect(fake.promptIDs.isEmpty)
    }

    @Test("an upload ComfyUI does not know is refused by its own validation")
    func fakeValidatesImages() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        let workflow = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: exampleWorkflow))))
        var request = HTTPRequest(method: "POST", url: fake.baseURL + "/prompt", headers: [("Content-Type", "application/json")])
        request.body = Array(JSONValue.object([("prompt", workflow), ("client_id", .string("x"))]).serialized.utf8)
        let response = try await http.send(request)
        #expect(response.status == 400)
        let body = try JSONValue.parse(response.body)
        #expect(body["node_errors"]?["41"]?["class_type"] == .string("LoadImage"))
    }

    @Test("an execution error is final and names the exception")
    func executionError() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        fake.setPollsBeforeDone(1)
        fake.failNextJob("CUDA out of memory. Tried to allocate 2.00 GiB")
        let error = try #require(
            await expectProviderError { _ = try await provider([fake.baseURL], http: http).generate(try stageRequest()) })
        #expect(error.code.rawValue == "provider_failed")
        #expect(!error.retryable)
        #expect(error.message.contains("CUDA out of memory. Tried to allocate 2.00 GiB"))
        #expect(error.detail.contains("node 25 (KSampler)"))
        #expect(fake.calls("/view").isEmpty)
    }

    @Test("an output that is not an image is refused")
    func invalidOutput() async throws {
        let fake = try await FakeComfyUI.start(outputImage: Array("<html>not an image</html>".utf8))
        defer { Task { await fake.stop() } }
        let error = try #require(
            await expectProviderError { _ = try await provider([fake.baseURL], http: http).generate(try stageRequest()) })
        #expect(error.code.rawValue == "provider_invalid_image")
    }

    @Test("a job that outlives the timeout is given up, dropped from the queue and interrupted")
    func timeout() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        fake.setJobDuration(.seconds(60))
        // Room for the uploads and the queueing on a loaded machine.
        let comfy = try provider([fake.baseURL], timeout: .seconds(12), http: http)
        let error = try #require(await expectProviderError { _ = try await comfy.generate(try stageRequest()) })
        #expect(error.code.rawValue == "provider_timeout")
        #expect(error.retryable)
        let id = try #require(fake.promptIDs.first)
        #expect(fake.calls("/interrupt").first?.json?["prompt_id"] == .string(id))
        #expect(fake.calls("/queue").contains { $0.method == "POST" })
    }

    @Test("concurrent stages spread over the least busy servers")
    func leastBusyBalancing() async throws {
        let a = try await FakeComfyUI.start()
        let b = try await FakeComfyUI.start()
        defer {
            Task {
                await a.stop()
                await b.stop()
            }
        }
        for fake in [a, b] { fake.setJobDuration(.seconds(1)) }
        let comfy = try provider([a.baseURL, b.baseURL], http: http)
        let request = try stageRequest()
        try await withThrowingTaskGroup(of: GeneratedImage.self) { group in
            for _ in 0..<4 { group.addTask { try await comfy.generate(request) } }
            for try await _ in group {}
        }
        #expect(a.promptIDs.count == 2)
        #expect(b.promptIDs.count == 2)
        #expect(a.maxConcurrentJobs == 2 && b.maxConcurrentJobs == 2)
        #expect(await comfy.endpoints.inFlight() == [0, 0])
    }

    @Test("a server that refuses connections is skipped, and rejoins after a health check")
    func failoverAndRecovery() async throws {
        let a = try await FakeComfyUI.start()
        let down = try await FakeComfyUI.start()
        let port = down.port
        await down.stop()
        defer { Task { await a.stop() } }
        let comfy = try provider([a.baseURL, "http://127.0.0.1:\(port)"], http: http)
        let request = try stageRequest()

        try await withThrowingTaskGroup(of: GeneratedImage.self) { group in
            for _ in 0..<3 { group.addTask { try await comfy.generate(request) } }
            for try await _ in group {}
        }
        #expect(a.promptIDs.count == 3)
        #expect(await comfy.endpoints.health() == [true, false])

        let b = try await FakeComfyUI.start(port: port)
        defer { Task { await b.stop() } }
        try await eventually("the restarted server rejoins", timeout: .seconds(20), interval: .milliseconds(50)) {
            _ = try await comfy.generate(request)
            return await comfy.endpoints.health() == [true, true]
        }
        #expect(b.calls("/system_stats").count >= 1)

        for fake in [a, b] { fake.setJobDuration(.milliseconds(400)) }
        let before = b.promptIDs.count
        try await withThrowingTaskGroup(of: GeneratedImage.self) { group in
            for _ in 0..<2 { group.addTask { try await comfy.generate(request) } }
            for try await _ in group {}
        }
        #expect(b.promptIDs.count == before + 1)
    }

    @Test("with every server down the stage is retryable provider_unavailable")
    func allDown() async throws {
        let fake = try await FakeComfyUI.start()
        let url = fake.baseURL
        await fake.stop()
        let comfy = try ComfyUIProvider(
            settings: settings(endpoints: [url]), http: http,
            tuning: .init(pollInterval: .milliseconds(20), healthBackoff: .seconds(30), maxHealthBackoff: .seconds(60)))
        let first = try #require(await expectProviderError { _ = try await comfy.generate(try stageRequest()) })
        #expect(first.code.rawValue == "provider_unreachable")
        #expect(first.retryable)
        let second = try #require(await expectProviderError { _ = try await comfy.generate(try stageRequest()) })
        #expect(second.code.rawValue == "provider_unavailable")
        #expect(second.retryable)
        #expect((second.retryAfter ?? .zero) > .seconds(20))
    }

    @Test("a bearer key for a proxied server never reaches an error or a log")
    func keyStaysSecret() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        let key = "comfy-proxy-secret-7f3a9c1e"
        let sink = CapturedLog()
        let logger = sink.logger("test.comfyui.secret")
        let client = HTTPClient(logger: logger)
        var config = settings(endpoints: [fake.baseURL])
        config.apiKey = key
        let comfy = try ComfyUIProvider(settings: config, http: client, tuning: fastTuning, logger: logger)
        _ = try await comfy.generate(try stageRequest())
        #expect(fake.calls("/prompt").first?.header("authorization") == "Bearer \(key)")
        fake.failNextJob("bad key \(key)")
        let error = try #require(await expectProviderError { _ = try await comfy.generate(try stageRequest()) })
        #expect(!error.description.contains(key))
        #expect(!sink.text.isEmpty)
        #expect(!sink.text.contains(key))
    }
}

@Suite("ComfyUI workflow and node mapping")
struct ComfyUIWorkflowTests {
    let http = HTTPClient(logger: Logger(label: "test.comfyui.workflow"))

    @Test("the shipped example workflow matches refkit.toml's node ids")
    func exampleLoads() throws {
        let comfy = try ComfyUIProvider(settings: settings(endpoints: ["http://127.0.0.1:8188", "http://127.0.0.1:8189"]), http: http)
        #expect(comfy.workflow.imageNodes == ["41", "42"])
        #expect(comfy.workflow.seedInput == "seed")
        #expect(comfy.endpoints.baseURLs == ["http://127.0.0.1:8188", "http://127.0.0.1:8189"])
    }

    @Test(
        "a node id the workflow lacks is a clear start-up error",
        arguments: [
            ("prompt_node", "99", "no node \"99\" (prompt_node)"),
            ("seed_node", "6", "node \"6\" (seed_node, CLIPTextEncode) has no seed or noise_seed input"),
            ("image_nodes", "41,77", "no node \"77\" (image_nodes)"),
            ("output_node", "90", "no node \"90\" (output_node)"),
        ])
    func missingNode(key: String, value: String, message: String) throws {
        do {
            _ = try ComfyUIProvider(settings: settings(endpoints: ["http://127.0.0.1:8188"], extra: [key: value]), http: http)
            Issue.record("expected an init error")
        } catch {
            #expect(error.code.rawValue == "provider_not_configured")
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.message.contains("comfyui-workflow.json"))
        }
    }

    @Test("a missing file, a UI-format export and a noise_seed sampler")
    func workflowShapes() throws {
        let dir = try TemporaryDirectory("comfy-workflow")
        func attempt(_ text: String?, seedNode: String = "25") throws(ProviderError) -> ComfyUIProvider {
            let path = dir.url("wf-\(UInt32.random(in: 0...UInt32.max)).json")
            if let text { _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) }
            return try ComfyUIProvider(
                settings: settings(
                    endpoints: ["http://127.0.0.1:8188"], workflow: path,
                    extra: ["seed_node": seedNode, "image_nodes": "", "output_node": ""]),
                http: http)
        }
        #expect(throws: ProviderError.self) { try attempt(nil) }
        do {
            _ = try attempt(#"{"last_node_id": 9, "nodes": [], "links": []}"#)
            Issue.record("expected an init error")
        } catch {
            #expect(error.message.contains("UI format"))
        }
        let advanced = #"""
            {"6": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["4", 1]}},
             "25": {"class_type": "KSamplerAdvanced", "inputs": {"noise_seed": 1, "steps": 20}},
             "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0]}}}
            """#
        let comfy = try attempt(advanced)
        #expect(comfy.workflow.seedInput == "noise_seed")
        #expect(comfy.workflow.imageNodes.isEmpty)
        let filled = comfy.workflow.filled(prompt: "p", seed: 7, images: [])
        #expect(filled["25"]?["inputs"]?["noise_seed"] == .number(7, isInteger: true))
        #expect(filled["25"]?["inputs"]?["seed"] == nil)
    }
}

@Suite("ComfyUI endpoint choice")
struct ComfyUIEndpointsTests {
    @Test("least busy first, ties to the first listed")
    func leastBusy() async {
        let servers = ComfyUIEndpoints(baseURLs: ["a", "b", "c"])
        #expect(await servers.next() == .use(0))
        #expect(await servers.next() == .use(1))
        #expect(await servers.next() == .use(2))
        await servers.release(1)
        #expect(await servers.next() == .use(1))
        #expect(await servers.inFlight() == [1, 1, 1])
    }

    @Test("an unreachable server is probed after the back-off, which doubles while it stays down")
    func backoff() async {
        let servers = ComfyUIEndpoints(baseURLs: ["a", "b"], backoff: .seconds(2), maxBackoff: .seconds(5))
        let t0 = ContinuousClock.now
        await servers.markUnreachable(1, now: t0)
        #expect(await servers.next(now: t0 + .seconds(1)) == .use(0))
        #expect(await servers.next(now: t0 + .seconds(2)) == .probe([1]))
        // While it is being probed nobody else probes it.
        #expect(await servers.next(now: t0 + .seconds(2)) == .use(0))
        await servers.reportProbe(1, healthy: false, now: t0 + .seconds(2))
        #expect(await servers.next(now: t0 + .seconds(5)) == .use(0))
        #expect(await servers.next(now: t0 + .seconds(6)) == .probe([1]))
        await servers.reportProbe(1, healthy: true, now: t0 + .seconds(6))
        #expect(await servers.health() == [true, true])
        #expect(await servers.next(now: t0 + .seconds(6)) == .use(1))
    }

    @Test("all down: unavailable until the earliest re-check")
    func allDown() async {
        let servers = ComfyUIEndpoints(baseURLs: ["a", "b"], backoff: .seconds(10))
        let t0 = ContinuousClock.now
        await servers.markUnreachable(0, now: t0)
        await servers.markUnreachable(1, now: t0 + .seconds(4))
        #expect(await servers.next(now: t0 + .seconds(5)) == .unavailable(retryAfter: .seconds(5)))
        #expect(await servers.next(now: t0 + .seconds(10)) == .probe([0]))
    }
}
