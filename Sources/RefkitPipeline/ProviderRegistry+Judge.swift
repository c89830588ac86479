import RefkitConfig
import RefkitHTTP
import RefkitProviders

extension ProviderRegistry {
    /// The judge `[qa] judge` names, or why it cannot be used; (nil, nil) when none is named.
    static func judge(
        configuration: Configuration, http: HTTPClient, environment: [String: String]
    ) -> (QAJudge?, String?) {
        guard configuration.qa.judge != nil else { return (nil, nil) }
        return (nil, "the judge client is not built in yet")
    }
}
