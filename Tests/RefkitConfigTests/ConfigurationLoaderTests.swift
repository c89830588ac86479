import Foundation
import RefkitCore
import Testing

@testable import RefkitConfig

/// The shipped example, found from this file (through the scratch package's symlinks too).
let exampleConfigPath: String = {
    let here = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/refkit.toml").path
}()

/// A fresh folder under the temporary directory, removed by the caller.
func makeTemporaryFolder() throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("refkit-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite("ConfigurationLoader")
struct ConfigurationLoaderTests {
    @Test func exampleConfigLoads() throws {
        let config = try ConfigurationLoader.load(path: exampleConfigPath)
        #expect(config.file == exampleConfigPath)
        #expect(config.stateDir == "/var/lib/refkit")
        #expect(config.logLevel == "info")
        #expect(config.daemon.rescanIntervalSeconds == 300)
        #expect(config.limits.concurrency == 12)
        #expect(config.limits.maxSourceBytes == 52_428_800)
        #expect(config.limits.maxSourcePixels == 100_000_000)
        #expect(config.retry.attempts == 3)
        #expect(config.retry.baseDelayMs == 2000)
        #expect(config.retry.maxDelayMs == 60000)
        #expect(config.outputs.textPlanMinShare == 0.5)

        #expect(config.watches.map(\.name) == ["manual", "civitai"])
        let manual = try #require(config.watch(named: "manual"))
        #expect(manual.inbox == "/srv/refkit/inbox")
        #expect(manual.outbox == "/srv/refkit/outbox")
        #expect(manual.rejected == "/srv/refkit/rejected")
        #expect(manual.recursive == false)
        #expect(manual.mode == .auto)
        #expect(manual.settleMs == 1000)
        #expect(manual.sidecarWaitMs == 2000)
        #expect(manual.priority == 10)
        #expect(manual.maxCostPerKitUSD == 1.0)
        #expect(manual.maxCostPerDayUSD == 20.0)
        #expect(manual.defaultOrder.stages == .profile(.turnaround))
        #expect(manual.defaultOrder.provider == "preview")

        let civitai = try #require(config.watch(named: "civitai"))
        #expect(civitai.priority < manual.priority)
        #expect(civitai.maxCostPerKitUSD < manual.maxCostPerKitUSD)
        #expect(civitai.maxCostPerDayUSD < manual.maxCostPerDayUSD)
        #expect(civitai.defaultOrder.stages == .profile(.turnaround))
        #expect(civitai.defaultOrder.provider == "gemini")
        #expect(civitai.defaultOrder.selection == .auto)
        #expect(civitai.defaultOrder.analyze == true)
        #expect(civitai.defaultOrder.candidates == 1)

        #expect(Set(config.providers.keys) == ConfigurationLoader.providerKinds)
        for (name, provider) in config.providers { #expect(provider.kind == name) }
        let gemini = try #require(config.providers["gemini"])
        #expect(gemini.baseURL == "https://generativelanguage.googleapis.com")
        #expect(gemini.model == "gemini-2.5-flash-image")
        #expect(gemini.apiKeyEnv == "GEMINI_API_KEY")
        #expect(gemini.concurrency == 6)
        #expect(gemini.requestsPerMinute == 60)
        #expect(gemini.timeoutSeconds == 180)
        #expect(gemini.pricePerImageUSD == 0.039)
        #expect(gemini.extra["aspect_ratio"] == "1:1")
        let comfy = try #require(config.providers["comfyui"])
        #expect(comfy.extra["endpoints"] == "http://127.0.0.1:8188,http://127.0.0.1:8189")
        #expect(comfy.extra["image_nodes"] == "41,42")
        #expect(config.providers["replicate"]?.apiKeyFile == "/etc/refkit/replicate.key")
        #expect(config.providers["fal"]?.extra["app_id"] == "fal-ai/nano-banana/edit")
        #expect(config.providers["openai"]?.extra["size"] == "1024x1024")

        let analyzer = try #require(config.analyzer)
        #expect(analyzer.baseURL == "https://api.openai.com/v1")
        #expect(analyzer.model == "gpt-4.1-mini")
        #expect(analyzer.apiKeyEnv == "OPENAI_API_KEY")
        #expect(config.civitai.baseURL == "https://civitai.com")
        #expect(config.civitai.sort == "Most Reactions")
    }

    /// Every key the loader accepts appears (uncommented) in the example, in its own table.
    @Test func exampleConfigShowsEveryKey() throws {
        let text = try String(contentsOfFile: exampleConfigPath, encoding: .utf8)
        var sections: [String: Set<String>] = [:]
        var header = ""
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("[") {
                header = String(line.drop { $0 == "[" }.prefix { $0 != "]" })
            } else if let eq = line.firstIndex(of: "=") {
                sections[header, default: []].insert(line[..<eq].trimmingCharacters(in: .whitespaces))
            }
        }
        let expected: [String: Set<String>] = [
            "": ["state_dir", "log_level"],
            "daemon": ConfigReader.daemonKeys,
            "limits": ["concurrency", "max_source_bytes", "max_source_pixels", "max_long_side"],
            "retry": ["attempts", "base_delay_ms", "max_delay_ms"],
            "outputs": ["text_plan_min_share", "source_long_side"],
            "watch": [
                "name", "inbox", "outbox", "rejected", "recursive", "mode", "settle_ms", "sidecar_wait_ms", "image_wait_ms", "priority",
                "max_cost_per_kit_usd", "max_cost_per_day_usd", "ignore", "qa", "qa_checks", "outbox_retention_days",
            ],
            "qa": ConfigReader.qaKeys.subtracting(["thresholds"]),
            "qa.thresholds": ConfigReader.qaThresholdKeys,
            "analyzer": ["base_url", "model", "api_key_env", "api_key_file", "timeout_s"],
            "civitai": ConfigReader.civitaiKeys,
            "hook": ConfigReader.hookKeys,
        ]
        for (section, keys) in expected {
            #expect(
                keys.subtracting(sections[section] ?? []).isEmpty,
                "[\(section)] lacks \(keys.subtracting(sections[section] ?? []).sorted())")
        }
        for (kind, specific) in ConfigReader.specificProviderKeys {
            let shown = sections["providers.\(kind)"] ?? []
            let missing = ConfigReader.commonProviderKeys.union(specific).subtracting(shown)
            // An api key comes from the environment or a file; one of the two is enough per provider.
            let relevant = missing.subtracting(
                kind == "preview" || kind == "comfyui"
                    ? ["api_key_env", "api_key_file", "base_url", "model"] : ["api_key_env", "api_key_file"])
            #expect(relevant.isEmpty, "[providers.\(kind)] lacks \(relevant.sorted())")
            #expect(!specific.isEmpty || kind == "preview")
        }
        let allProviderKeys = ConfigReader.specificProviderKeys.values.reduce(ConfigReader.commonProviderKeys) { $0.union($1) }
        let shownProviderKeys = sections.filter { $0.key.hasPrefix("providers.") }.values.reduce(Set<String>()) { $0.union($1) }
        #expect(allProviderKeys.subtracting(shownProviderKeys).isEmpty, "\(allProviderKeys.subtracting(shownProviderKeys).sorted())")
        // Every key line carries its one-line comment.
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.hasPrefix("#"), line.contains("=") else { continue }
            #expect(line.contains(" # "), "no comment: \(line)")
        }
    }

    @Test func minimalConfigGetsDefaults() throws {
        let config = try ConfigurationLoader.parse(
            text: "[[watch]]\nname = \"w\"\ninbox = \"/data/in\"\noutbox = \"/data/out\"\n", file: "min.toml", relativeTo: "/etc/refkit")
        #expect(config.stateDir == "/var/lib/refkit")
        #expect(config.logLevel == "info")
        #expect(config.daemon.rescanIntervalSeconds == 300)
        #expect(config.daemon.pollIntervalMs == 2000)
        #expect(config.daemon.drainTimeoutSeconds == 30)
        #expect(config.limits.concurrency == 12)
        #expect(config.limits.maxSourceBytes == 52_428_800)
        #expect(config.limits.maxSourcePixels == 100_000_000)
        #expect(config.limits.maxLongSide == 2048)
        #expect(config.retry.attempts == 3)
        #expect(config.retry.baseDelayMs == 2000)
        #expect(config.retry.maxDelayMs == 60000)
        #expect(config.outputs.textPlanMinShare == 0.5)
        #expect(config.outputs.sourceLongSide == 2048)
        #expect(config.analyzer == nil)
        #expect(config.civitai.baseURL == "https://civitai.com")
        #expect(config.civitai.limit == 20)
        #expect(config.civitai.period == "Day")
        #expect(Array(config.providers.keys) == ["preview"])
        #expect(config.providers["preview"]?.kind == "preview")

        let watch = try #require(config.watches.first)
        #expect(config.watches.count == 1)
        #expect(watch.rejected == "/data/rejected")
        #expect(watch.recursive == false)
        #expect(watch.mode == .auto)
        #expect(watch.settleMs == 1000)
        #expect(watch.sidecarWaitMs == 2000)
        #expect(watch.imageWaitMs == 10000)
        #expect(watch.priority == 10)
        #expect(watch.maxCostPerKitUSD == 1.0)
        #expect(watch.maxCostPerDayUSD == 20.0)
        #expect(watch.ignore.isEmpty)
        #expect(watch.defaultOrder == Order(stages: .profile(.turnaround), provider: "preview"))
    }

    @Test func defaultOrderOverlaysTheBuiltInDefault() throws {
        let config = try ConfigurationLoader.parse(
            text: """
                [[watch]]
                name = "w"
                inbox = "/in"
                outbox = "/out"
                  [watch.default_order]
                  expressions = ["smile", "wink"]
                  candidates = 3
                  budget_usd = 2
                  [[watch.default_order.scenes]]
                  id = "beach"
                  description = "at the sea"
                """, file: "t.toml", relativeTo: "/")
        let order = try #require(config.watches.first?.defaultOrder)
        #expect(order.stages == .profile(.turnaround))
        #expect(order.provider == "preview")
        #expect(order.expressions == ["smile", "wink"])
        #expect(order.candidates == 3)
        #expect(order.budgetUSD == 2)
        #expect(order.scenes == [.init(id: "beach", description: "at the sea")])
    }

    @Test func providerKindsAndExtras() throws {
        let config = try ConfigurationLoader.parse(
            text: """
                plain_http_hosts = ["a", "b"]
                [[watch]]
                name = "w"
                inbox = "/in"
                outbox = "/out"
                  [watch.default_order]
                  provider = "fast-gemini"

                [providers.fast-gemini]
                kind = "gemini"
                price_per_image_usd = 1
                image_size = "2K"

                [providers.local]
                kind = "comfyui"
                base_url = "http://127.0.0.1:8188"
                endpoints = ["http://a:1", "http://b:2"]
                image_nodes = [10, 11]
                seed_node = 3
                """, file: "t.toml", relativeTo: "/")
        let fast = try #require(config.providers["fast-gemini"])
        #expect(fast.kind == "gemini")
        #expect(fast.pricePerImageUSD == 1.0)
        #expect(fast.extra == ["image_size": "2K"])
        #expect(fast.concurrency == 6)
        let local = try #require(config.providers["local"])
        #expect(local.kind == "comfyui")
        #expect(local.extra["endpoints"] == "http://a:1,http://b:2")
        #expect(local.extra["image_nodes"] == "10,11")
        #expect(local.extra["seed_node"] == "3")
        #expect(config.providers["preview"] != nil)
        #expect(config.watches[0].defaultOrder.provider == "fast-gemini")
    }

    @Test("every provider kind is known", arguments: ["preview", "gemini", "openai", "fal", "replicate", "comfyui"])
    func providerKind(_ kind: String) throws {
        let config = try ConfigurationLoader.parse(
            text: "[[watch]]\nname = \"w\"\ninbox = \"/in\"\noutbox = \"/out\"\n[providers.p]\nkind = \"\(kind)\"\n", file: "t.toml",
            relativeTo: "/")
        #expect(config.providers["p"]?.kind == kind)
    }

    @Test func relativePathsResolveAgainstTheConfigFolder() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = (folder as NSString).appendingPathComponent("etc/refkit.toml")
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try """
        state_dir = "state"
        [[watch]]
        name = "w"
        inbox = "./inbox"
        outbox = "../out"
        rejected = "/abs/rejected"
          [watch.default_order]
          provider = "gem"
        [providers.gem]
        kind = "gemini"
        api_key_file = "secrets/gemini.key"
        [analyzer]
        api_key_file = "../analyzer.key"
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let config = try ConfigurationLoader.load(path: file)
        let etc = (folder as NSString).appendingPathComponent("etc")
        #expect(config.stateDir == etc + "/state")
        #expect(config.watches[0].inbox == etc + "/inbox")
        #expect(config.watches[0].outbox == folder + "/out")
        #expect(config.watches[0].rejected == "/abs/rejected")
        #expect(config.providers["gem"]?.apiKeyFile == etc + "/secrets/gemini.key")
        #expect(config.analyzer?.apiKeyFile == folder + "/analyzer.key")
        #expect(config.analyzer?.model == "gpt-4.1-mini")
    }

    @Test func embeddedDefaultParses() throws {
        let config = try ConfigurationLoader.parse(text: ConfigurationLoader.embeddedDefault, file: "(built-in)", relativeTo: "/work/here")
        #expect(config.stateDir == "/work/here/refkit-state")
        #expect(config.watches.map(\.name) == ["default"])
        #expect(config.watches[0].inbox == "/work/here/inbox")
        #expect(config.watches[0].outbox == "/work/here/outbox")
        #expect(config.watches[0].rejected == "/work/here/rejected")
        #expect(config.watches[0].defaultOrder.provider == "preview")
    }

    @Test func windowsLineEndingsParse() throws {
        let text = try String(contentsOfFile: exampleConfigPath, encoding: .utf8).replacingOccurrences(of: "\n", with: "\r\n")
        let config = try ConfigurationLoader.parse(text: text, file: "crlf.toml", relativeTo: "/etc/refkit")
        #expect(config.watches.count == 2)
    }

    @Test func secretsAreNotInErrors() {
        let text = "[[watch]]\nname = \"w\"\ninbox = \"/in\"\noutbox = \"/out\"\n[providers.gemini]\napi_key = \"sk-very-secret\"\n"
        do {
            _ = try ConfigurationLoader.parse(text: text, file: "t.toml", relativeTo: "/")
            Issue.record("accepted")
        } catch {
            #expect(error.key == "providers.gemini.api_key")
            #expect(error.line == 6)
            #expect(!error.description.contains("sk-very-secret"))
        }
    }
}

@Suite("TOMLLineLocator")
struct TOMLLineLocatorTests {
    @Test func resolvesPathsToLines() {
        let text = """
            top = 1
            [limits]
            concurrency = 2

            [[watch]]
            name = "a"
              [watch.default_order]
              stages = "core"
            [[watch]]
            name = "b"
            "quoted" = 1
              [watch.default_order]
              stages = "extended"
            # comment = 5
            [ providers . "gemini" ]
            model = "m"
            """
        let locator = TOMLLineLocator(text: text)
        #expect(locator.line(of: "top") == 1)
        #expect(locator.line(of: "limits") == 2)
        #expect(locator.line(of: "limits.concurrency") == 3)
        #expect(locator.line(of: "watch[0]") == 5)
        #expect(locator.line(of: "watch[0].name") == 6)
        #expect(locator.line(of: "watch[0].default_order") == 7)
        #expect(locator.line(of: "watch[0].default_order.stages") == 8)
        #expect(locator.line(of: "watch[1]") == 9)
        #expect(locator.line(of: "watch[1].name") == 10)
        #expect(locator.line(of: "watch[1].quoted") == 11)
        #expect(locator.line(of: "watch[1].default_order") == 12)
        #expect(locator.line(of: "watch[1].default_order.stages") == 13)
        #expect(locator.line(of: "watch[1].default_order.stages[3]") == 13)
        #expect(locator.line(of: "watch[1].missing") == 9)
        #expect(locator.line(of: "comment") == nil)
        #expect(locator.line(of: "providers.gemini") == 15)
        #expect(locator.line(of: "providers.gemini.model") == 16)
        #expect(locator.line(of: "nothing") == nil)
    }
}
