import Foundation
import RefkitCore
import RefkitWatch
import TOMLKit

/// The [civitai] table, the providers and the watches, each read and validated by itself.
extension ConfigReader {
    static let civitaiKeys: Set<String> = [
        "base_url", "api_key_env", "api_key_file", "limit", "page_size", "max_pages", "period", "sort", "nsfw", "model_id", "username",
        "tags",
        "max_rating", "min_width", "min_height", "max_image_bytes", "attempts", "max_retry_wait_s", "timeout_s",
    ]

    func readCivitai(_ node: ConfigNode?) throws(ConfigError) -> Configuration.Civitai {
        var civitai = Configuration.Civitai()
        guard let c = try table(node, "civitai", allowed: Self.civitaiKeys) else { return civitai }
        func oneOf(_ key: String, _ allowed: [String]) throws(ConfigError) -> String? {
            guard let value = try string(c[key], "civitai.\(key)") else { return nil }
            guard allowed.contains(value) else {
                throw fail("civitai.\(key)", "must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            return value
        }
        civitai.baseURL = try string(c["base_url"], "civitai.base_url") ?? civitai.baseURL
        if !(civitai.baseURL.hasPrefix("https://") || civitai.baseURL.hasPrefix("http://")) {
            throw fail("civitai.base_url", "must start with https:// (or http:// for a local server)")
        }
        civitai.apiKeyEnv = try string(c["api_key_env"], "civitai.api_key_env")
        civitai.apiKeyFile = try path(c["api_key_file"], "civitai.api_key_file")
        civitai.limit = try int(c["limit"], "civitai.limit", 1...1000) ?? civitai.limit
        civitai.pageSize = try int(c["page_size"], "civitai.page_size", 1...200) ?? civitai.pageSize
        civitai.maxPages = try int(c["max_pages"], "civitai.max_pages", 1...1000) ?? civitai.maxPages
        civitai.period = try oneOf("period", Configuration.Civitai.periods) ?? civitai.period
        civitai.sort = try oneOf("sort", Configuration.Civitai.sorts) ?? civitai.sort
        civitai.nsfw = try oneOf("nsfw", Configuration.Civitai.nsfwValues) ?? civitai.nsfw
        if let id = try int(c["model_id"], "civitai.model_id", 0...Int.max) { civitai.modelID = id == 0 ? nil : Int64(id) }
        if let name = try string(c["username"], "civitai.username") { civitai.username = name.isEmpty ? nil : name }
        switch c["tags"] {
        case nil: break
        case .int(let tag)?: civitai.tags = String(tag)
        case .string(let tag)?: civitai.tags = tag.isEmpty ? nil : tag
        case let other?: throw fail("civitai.tags", "must be a tag id (integer) or a string, got \(other.typeName)")
        }
        civitai.maxRating = try oneOf("max_rating", Configuration.Civitai.ratings) ?? civitai.maxRating
        civitai.minWidth = try int(c["min_width"], "civitai.min_width", 1...65535) ?? civitai.minWidth
        civitai.minHeight = try int(c["min_height"], "civitai.min_height", 1...65535) ?? civitai.minHeight
        civitai.maxImageBytes = try int(c["max_image_bytes"], "civitai.max_image_bytes", 1...(1 << 34))
        civitai.attempts = try int(c["attempts"], "civitai.attempts", 1...20) ?? civitai.attempts
        civitai.maxRetryWaitSeconds = try int(c["max_retry_wait_s"], "civitai.max_retry_wait_s", 0...3600) ?? civitai.maxRetryWaitSeconds
        civitai.timeoutSeconds = try int(c["timeout_s"], "civitai.timeout_s", 1...3600) ?? civitai.timeoutSeconds
        return civitai
    }

    static let commonProviderKeys: Set<String> = [
        "kind", "base_url", "model", "api_key_env", "api_key_file", "concurrency", "requests_per_minute", "timeout_s",
        "price_per_image_usd",
        "max_input_images",
    ]
    static let specificProviderKeys: [String: Set<String>] = [
        "preview": ["delay_ms"], "gemini": ["aspect_ratio", "image_size"], "openai": ["size", "quality"],
        "fal": [
            "app_id", "image_field", "images_field", "prompt_field", "output_field", "mode", "target_field", "face_field",
            "control_image_field",
            "inputs",
        ],
        "replicate": [
            "version", "image_field", "images_field", "prompt_field", "target_field", "face_field", "control_image_field", "inputs",
        ],
        "comfyui": [
            "workflow", "endpoints", "prompt_node", "seed_node", "image_nodes", "output_node", "size_node", "control_image_node", "inputs",
        ],
    ]

    func readProvider(name: String, node: ConfigNode) throws(ConfigError) -> Configuration.Provider {
        let p = "providers.\(name)"
        guard SafeName.isSafeIdentifier(name) else { throw fail(p, "provider names use A-Z a-z 0-9 _ -") }
        guard case .table = node else { throw fail(p, "must be a table") }
        let kind = try string(node["kind"], "\(p).kind") ?? name
        guard let specific = Self.specificProviderKeys[kind]?.union(Self.negativePromptKeys[kind] ?? []) else {
            throw fail(
                "\(p).kind",
                "unknown provider kind \"\(kind)\" (known: \(ConfigurationLoader.providerKinds.sorted().joined(separator: ", ")))")
        }
        try refuseInputs(node["inputs"], path: "\(p).inputs", kind: kind)
        _ = try table(node, p, allowed: Self.commonProviderKeys.union(specific))
        var provider = Configuration.Provider(name: name, kind: kind)
        if kind == "preview" {
            // Offline: no rate to respect unless one is set.
            provider.requestsPerMinute = 1_000_000
            provider.timeoutSeconds = 60
        }
        provider.baseURL = try string(node["base_url"], "\(p).base_url")
        if let url = provider.baseURL, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            throw fail("\(p).base_url", "must start with https:// (or http:// for a local server)")
        }
        provider.model = try string(node["model"], "\(p).model")
        provider.apiKeyEnv = try string(node["api_key_env"], "\(p).api_key_env")
        provider.apiKeyFile = try path(node["api_key_file"], "\(p).api_key_file")
        provider.concurrency = try int(node["concurrency"], "\(p).concurrency", 1...256) ?? provider.concurrency
        provider.requestsPerMinute =
            try int(node["requests_per_minute"], "\(p).requests_per_minute", 1...1_000_000) ?? provider.requestsPerMinute
        provider.timeoutSeconds = try int(node["timeout_s"], "\(p).timeout_s", 1...3600) ?? provider.timeoutSeconds
        provider.pricePerImageUSD = try double(node["price_per_image_usd"], "\(p).price_per_image_usd", 0...100) ?? 0
        // Issue 17 item 1: kept with the provider's own keys; the provider reads it (InputImageCap).
        if let n = try int(node["max_input_images"], "\(p).max_input_images", 0...64) { provider.extra["max_input_images"] = String(n) }
        for key in specific where key != "inputs" {
            switch node[key] {
            case .string(let s)?: provider.extra[key] = s
            case .int(let i)?: provider.extra[key] = String(i)
            case .array(let items)?:
                var parts: [String] = []
                for (i, item) in items.enumerated() {
                    switch item {
                    case .string(let s): parts.append(s)
                    case .int(let n): parts.append(String(n))
                    default: throw fail("\(p).\(key)[\(i)]", "must be a string, got \(item.typeName)")
                    }
                }
                provider.extra[key] = parts.joined(separator: ",")
            case nil: break
            case let other?: throw fail("\(p).\(key)", "must be a string, got \(other.typeName)")
            }
        }
        provider.inputs = try readInputs(node["inputs"], path: "\(p).inputs", kind: kind, extra: provider.extra)
        if let workflow = provider.extra["workflow"], !workflow.hasPrefix("/") {
            // Like every path in the file, relative to the configuration's folder.
            provider.extra["workflow"] = ((base as NSString).appendingPathComponent(workflow) as NSString).standardizingPath
        }
        return provider
    }

    func readWatch(
        _ node: ConfigNode, path p: String, providers: [String: Configuration.Provider]
    ) throws(ConfigError) -> Configuration.Watch {
        let keys: Set<String> = [
            "name", "inbox", "outbox", "rejected", "recursive", "mode", "settle_ms", "sidecar_wait_ms", "image_wait_ms", "priority",
            "max_cost_per_kit_usd", "max_cost_per_day_usd", "ignore", "default_order", "qa", "qa_checks",
            "outbox_retention_days",
            "max_content_rating",
        ]
        _ = try table(node, p, allowed: keys.union(Self.watchPromptKeys))
        guard let name = try string(node["name"], "\(p).name") else { throw fail(p, "a watch needs a name") }
        guard SafeName.isSafeIdentifier(name) else { throw fail("\(p).name", "watch names use 1-64 of A-Z a-z 0-9 _ -") }
        guard let inbox = try path(node["inbox"], "\(p).inbox") else { throw fail(p, "watch \"\(name)\" needs an inbox") }
        guard let outbox = try path(node["outbox"], "\(p).outbox") else { throw fail(p, "watch \"\(name)\" needs an outbox") }
        let rejected =
            try path(node["rejected"], "\(p).rejected")
            ?? ((outbox as NSString).deletingLastPathComponent as NSString).appendingPathComponent("rejected")
        var order = Order(stages: .profile(.turnaround), provider: "preview")
        if let d = node["default_order"] {
            let json = toJSON(d)
            do {
                order = try OrderValidator.validate(json: json).overlaying(order)
            } catch {
                let key = error.detail.split(separator: " ").first.map {
                    String($0).replacingOccurrences(of: "$", with: "\(p).default_order")
                }
                throw fail(key ?? "\(p).default_order", "\(error.message): \(error.detail)")
            }
        }
        // The watch's own switches win over its default order's.
        if let qa = try bool(node["qa"], "\(p).qa") { order.qa = qa }
        if let checks = node["qa_checks"] {
            do {
                order.qaChecks = try OrderValidator.qaChecks(toJSON(checks), path: "\(p).qa_checks")
            } catch {
                throw fail("\(p).qa_checks", "\(error.message): \(error.detail)")
            }
        }
        try readWatchPrompts(node, path: p, into: &order)
        for (key, provider) in [("provider", order.provider), ("fallback_provider", order.fallbackProvider)] {
            if let provider, providers[provider] == nil {
                throw fail("\(p).default_order.\(key)", "no provider named \"\(provider)\" is configured ([providers.\(provider)])")
            }
            if let provider, let model = order.model, let why = providers[provider]?.modelProblem(model) {
                throw fail("\(p).default_order.model", "the model cannot be made by its provider: \(why)")
            }
        }
        if let problem = Configuration.providerInputsProblem(order.providerInputs, providers: providers) {
            throw fail("\(p).default_order.provider_inputs", "\(problem.message): \(problem.detail)")
        }
        var watch = Configuration.Watch(name: name, inbox: inbox, outbox: outbox, rejected: rejected, defaultOrder: order)
        watch.recursive = try bool(node["recursive"], "\(p).recursive") ?? false
        if let m = try string(node["mode"], "\(p).mode") {
            guard let mode = WatchMode(rawValue: m) else { throw fail("\(p).mode", "must be auto, inotify or poll") }
            watch.mode = mode
        }
        watch.settleMs = try int(node["settle_ms"], "\(p).settle_ms", 0...600_000) ?? watch.settleMs
        watch.sidecarWaitMs = try int(node["sidecar_wait_ms"], "\(p).sidecar_wait_ms", 0...600_000) ?? watch.sidecarWaitMs
        watch.imageWaitMs = try int(node["image_wait_ms"], "\(p).image_wait_ms", 0...3_600_000) ?? watch.imageWaitMs
        watch.priority = try int(node["priority"], "\(p).priority", -1000...1000) ?? watch.priority
        // Up to a century: any longer is "for ever", which is leaving the key out.
        watch.outboxRetentionDays = try int(node["outbox_retention_days"], "\(p).outbox_retention_days", 1...36_500)
        watch.maxCostPerKitUSD =
            try double(node["max_cost_per_kit_usd"], "\(p).max_cost_per_kit_usd", 0...100_000) ?? watch.maxCostPerKitUSD
        watch.maxCostPerDayUSD =
            try double(node["max_cost_per_day_usd"], "\(p).max_cost_per_day_usd", 0...1_000_000) ?? watch.maxCostPerDayUSD
        if let limit = try string(node["max_content_rating"], "\(p).max_content_rating") {
            guard let rating = ContentRating(name: limit) else {
                throw fail("\(p).max_content_rating", "must be one of \(ContentRating.names.joined(separator: ", ")), not \"\(limit)\"")
            }
            watch.maxContentRating = rating
        }
        if let ignore = node["ignore"] {
            guard case .array(let items) = ignore else { throw fail("\(p).ignore", "must be an array of glob strings") }
            for (i, item) in items.enumerated() {
                guard case .string(let glob) = item else { throw fail("\(p).ignore[\(i)]", "must be a string") }
                watch.ignore.append(glob)
            }
        }
        return watch
    }

    func toJSON(_ node: ConfigNode) -> JSONValue {
        switch node {
        case .table(let members): .object(members.map { ($0.key, toJSON($0.value)) })
        case .array(let items): .array(items.map(toJSON))
        case .string(let s): .string(s)
        case .int(let i): .number(Double(i), isInteger: true)
        case .double(let d): .number(d, isInteger: false)
        case .bool(let b): .bool(b)
        case .other(let t): .string(t)
        }
    }
}
