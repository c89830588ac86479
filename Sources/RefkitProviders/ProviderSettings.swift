import RefkitCore

/// What a provider client needs from the configuration, with its secret resolved (from the
/// environment, a file or a systemd credential). The secret never reaches a log or an error.
public struct ProviderSettings: Sendable {
    public var name: String
    public var kind: String
    public var baseURL: String
    public var model: String?
    public var apiKey: String?
    public var timeout: Duration
    public var pricePerImageUSD: Double
    /// Provider-specific keys from `[providers.NAME]` (see config/refkit.toml).
    public var extra: [String: String]
    /// `[providers.NAME] inputs` (issue 17 item 4), already validated; ComfyUI checks its node ids
    /// against the workflow when it starts. Requests carry them merged (`GenerationRequest.inputs`).
    public var inputs: JSONValue?

    public init(
        name: String, kind: String, baseURL: String, model: String? = nil, apiKey: String? = nil, timeout: Duration = .seconds(180),
        pricePerImageUSD: Double = 0, extra: [String: String] = [:]
    ) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
        self.pricePerImageUSD = pricePerImageUSD
        self.extra = extra
        self.inputs = nil
    }
}
