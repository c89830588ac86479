import RefkitConfig
import RefkitCore
import RefkitProviders

/// The configured providers, by name, with their concurrency limits.
public struct ProviderRegistry: Sendable {
    public struct Entry: Sendable {
        public var provider: (any ImageProvider)?
        public var config: Configuration.Provider
        /// Why the provider cannot be used here, when it cannot.
        public var unavailable: String?
    }

    public private(set) var entries: [String: Entry] = [:]

    public init(configuration: Configuration, extra: [String: any ImageProvider] = [:]) {
        for (name, config) in configuration.providers {
            switch config.kind {
            case "preview":
                let delay = Int(config.extra["delay_ms"] ?? "0") ?? 0
                entries[name] = Entry(provider: PreviewProvider(name: name, delay: .milliseconds(delay)), config: config)
            default:
                entries[name] = Entry(provider: nil, config: config, unavailable: "provider kind \(config.kind) has no client in this build yet")
            }
        }
        for (name, provider) in extra {
            let config = configuration.providers[name] ?? Configuration.Provider(name: name, kind: "custom", concurrency: 6)
            entries[name] = Entry(provider: provider, config: config)
        }
    }

    public func entry(_ name: String) -> Entry? { entries[name] }
}
