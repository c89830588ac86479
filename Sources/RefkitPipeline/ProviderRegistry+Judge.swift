import RefkitConfig
import RefkitHTTP
import RefkitProviders

extension ProviderRegistry {
    /// The judge `[qa] judge` names, or why it cannot be used; (nil, nil) when none is named.
    /// "analyzer" speaks the `[analyzer]`'s OpenAI-compatible chat with its key (and
    /// `judge_model`, else the analyzer's model); a provider of kind openai or gemini speaks its
    /// own API with its key, `judge_model` else the research's pick (a vision chat model, not
    /// the provider's image model).
    static func judge(
        configuration: Configuration, http: HTTPClient, environment: [String: String]
    ) -> (QAJudge?, String?) {
        let qa = configuration.qa
        guard let name = qa.judge else { return (nil, nil) }
        let timeout = Duration.seconds(qa.judgeTimeoutSeconds)
        if name == "analyzer" {
            guard let analyzer = configuration.analyzer else { return (nil, "[qa] judge names the analyzer, which is not configured") }
            let secret = Secrets.resolve(
                name: "analyzer", kind: "openai", apiKeyEnv: analyzer.apiKeyEnv, apiKeyFile: analyzer.apiKeyFile, environment: environment)
            guard let key = secret.key else { return (nil, "the judge (the analyzer) has no API key: \(secret.source)") }
            let judge = VisionJudge.openAI(
                name: name, baseURL: analyzer.baseURL, model: qa.judgeModel ?? analyzer.model, apiKey: key, http: http, timeout: timeout)
            return (QAJudge(judge, priceUSD: qa.judgePricePerCallUSD), nil)
        }
        guard let provider = configuration.providers[name] else { return (nil, "[qa] judge names no configured provider: \(name)") }
        let secret = Secrets.resolve(
            name: name, kind: provider.kind, apiKeyEnv: provider.apiKeyEnv, apiKeyFile: provider.apiKeyFile, environment: environment)
        guard let key = secret.key else { return (nil, "the judge (provider \(name)) has no API key: \(secret.source)") }
        let base = provider.baseURL ?? defaultBaseURLs[provider.kind] ?? ""
        let judge: VisionJudge
        switch provider.kind {
        case "openai":
            judge = VisionJudge.openAI(
                name: name, baseURL: base, model: qa.judgeModel ?? VisionJudge.defaultOpenAIModel, apiKey: key, http: http, timeout: timeout
            )
        case "gemini":
            judge = VisionJudge.gemini(
                name: name, baseURL: base, model: qa.judgeModel ?? VisionJudge.defaultGeminiModel, apiKey: key, http: http, timeout: timeout
            )
        default:
            return (nil, "[qa] judge names provider \(name) of kind \(provider.kind), which cannot answer text")
        }
        return (QAJudge(judge, priceUSD: qa.judgePricePerCallUSD), nil)
    }
}
