import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitHTTP
import RefkitProviders

/// The configured providers, by name: their clients (sharing one HTTP client), their
/// configuration, their pacing, and why one cannot be used when it cannot.
public struct ProviderRegistry: Sendable {
    public struct Entry: Sendable {
        public var provider: (any ImageProvider)?
        public var config: Configuration.Provider
        /// Why the provider cannot be used here, when it cannot.
        public var unavailable: String?
        /// Where its credential came from (never the credential).
        public var credentialSource: String
        let limiter: RateLimiter
        /// `concurrency`: the requests in flight at once.
        let slots: RequestSlots
    }

    public static let defaultBaseURLs = [
        "gemini": "https://generativelanguage.googleapis.com", "openai": "https://api.openai.com/v1", "fal": "https://queue.fal.run",
        "replicate": "https://api.replicate.com", "comfyui": "http://127.0.0.1:8188",
    ]

    public private(set) var entries: [String: Entry] = [:]
    public let http: HTTPClient
    /// The vision analyzer (`[analyzer]`), when configured with a key.
    public private(set) var analyzer: Analyzer?
    /// Why the configured analyzer cannot be used, when it cannot.
    public private(set) var analyzerUnavailable: String?
    /// The QA judge (`[qa] judge`), when one is named and can be used.
    private(set) var judge: QAJudge?
    /// Why the named judge cannot be used, when it cannot.
    public private(set) var judgeUnavailable: String?

    public init(
        configuration: Configuration, logger: Logger, extra: [String: any ImageProvider] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        http = HTTPClient(logger: logger)
        for (name, config) in configuration.providers {
            let limiter = RateLimiter(requestsPerMinute: config.requestsPerMinute)
            if config.kind == "preview" {
                let settings = ProviderSettings(
                    name: name, kind: config.kind, baseURL: "", pricePerImageUSD: config.pricePerImageUSD, extra: config.extra)
                entries[name] = Entry(
                    provider: PreviewProvider(settings: settings), config: config, credentialSource: "not needed",
                    limiter: limiter, slots: RequestSlots(limit: config.concurrency))
                continue
            }
            let secret = Secrets.resolve(
                name: name, kind: config.kind, apiKeyEnv: config.apiKeyEnv, apiKeyFile: config.apiKeyFile, environment: environment)
            var settings = ProviderSettings(
                name: name, kind: config.kind, baseURL: config.baseURL ?? Self.defaultBaseURLs[config.kind] ?? "", model: config.model,
                apiKey: secret.key, timeout: .seconds(config.timeoutSeconds), pricePerImageUSD: config.pricePerImageUSD,
                extra: config.extra)
            settings.inputs = config.inputs
            var entry = Entry(
                provider: nil, config: config, unavailable: nil, credentialSource: secret.source, limiter: limiter,
                slots: RequestSlots(limit: config.concurrency))
            if secret.key == nil && config.kind != "comfyui" {
                entry.unavailable = "no API key: \(secret.source)"
            } else {
                do {
                    entry.provider = try Self.client(kind: config.kind, settings: settings, http: http, logger: logger)
                } catch {
                    entry.unavailable = error.description
                }
            }
            entries[name] = entry
        }
        if let config = configuration.analyzer {
            let secret = Secrets.resolve(
                name: "analyzer", kind: "openai", apiKeyEnv: config.apiKeyEnv, apiKeyFile: config.apiKeyFile, environment: environment)
            if let key = secret.key {
                analyzer = Analyzer(
                    baseURL: config.baseURL, model: config.model, apiKey: key, http: http, timeout: .seconds(config.timeoutSeconds))
            } else {
                analyzerUnavailable = "no API key: \(secret.source)"
            }
        }
        (judge, judgeUnavailable) = Self.judge(configuration: configuration, http: http, environment: environment)
        for (name, provider) in extra {
            let config =
                configuration.providers[name]
                ?? Configuration.Provider(name: name, kind: "custom", concurrency: 6, requestsPerMinute: 100_000)
            entries[name] = Entry(
                provider: provider, config: config, credentialSource: "in process",
                limiter: RateLimiter(requestsPerMinute: config.requestsPerMinute),
                slots: RequestSlots(limit: config.concurrency))
        }
    }

    static func client(
        kind: String, settings: ProviderSettings, http: HTTPClient, logger: Logger
    ) throws(ProviderError) -> any ImageProvider {
        switch kind {
        case "gemini": return GeminiProvider(settings: settings, http: http, logger: logger)
        case "openai": return OpenAIProvider(settings: settings, http: http, logger: logger)
        case "fal": return FalProvider(settings: settings, http: http, logger: logger)
        case "replicate": return ReplicateProvider(settings: settings, http: http, logger: logger)
        case "comfyui": return try ComfyUIProvider(settings: settings, http: http)
        default: throw ProviderError(code: .unknownKind, message: "unknown provider kind \(kind)", retryable: false)
        }
    }

    public func entry(_ name: String) -> Entry? { entries[name] }
}
