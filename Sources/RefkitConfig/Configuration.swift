import RefkitCore
import RefkitWatch

/// refkit's configuration (`refkit.toml`), validated. Key names are a contract (DESIGN.md).
public struct Configuration: Sendable {
    public var stateDir: String
    public var logLevel: String
    public var daemon: Daemon
    public var limits: Limits
    public var retry: Retry
    public var watches: [Watch]
    public var providers: [String: Provider]
    public var analyzer: Analyzer?
    public var civitai: Civitai
    public var outputs: Outputs
    public var metrics = Metrics()
    /// `[qa]`: automatic quality checks of every reference.
    public var qa = QA()
    /// `[web]`: the web UI and JSON API `refkit run` serves.
    public var web = Web()
    /// `[[hook]]`: who is told when a kit finishes, fails, waits for a choice or fails QA.
    public var hooks: [Hook] = []
    /// Where this configuration was read from ("(built-in)" for the embedded default).
    public var file: String

    public struct Daemon: Sendable {
        public var rescanIntervalSeconds = 300
        public var pollIntervalMs = 2000
        public var drainTimeoutSeconds = 30
        /// While a kit's publish waits after `disk_full`, how often it is tried again.
        public var diskFullRetrySeconds = 30
        /// Work files of finished kits older than this are removed (their published copies stay).
        public var workRetentionHours = 24
        /// Bound of the state directory's size in MiB (0: none); work files of finished kits go first, oldest first.
        public var maxStateMB = 0
        /// How often the janitor runs (work-file retention, state size).
        public var janitorIntervalSeconds = 3600
        /// How often `run` logs a batch summary of the last period.
        public var summaryIntervalSeconds = 3600
        /// How often the daemon checks that its database file is still the one it opened and sound.
        public var databaseCheckSeconds = 60
    }

    public struct Limits: Sendable {
        public var concurrency = 12
        public var maxSourceBytes = 52_428_800
        public var maxSourcePixels = 100_000_000
        public var maxLongSide = 2048
        /// Long side over short side beyond which a source is rejected (`source_aspect_ratio`).
        public var maxAspectRatio = 20.0
    }

    public struct Retry: Sendable {
        public var attempts = 3
        public var baseDelayMs = 2000
        public var maxDelayMs = 60000
        /// The longest a provider's `Retry-After` is obeyed, in seconds; longer asks are capped and logged.
        public var maxRetryAfterSeconds = 300
    }

    public struct Watch: Sendable {
        public var name: String
        public var inbox: String
        public var outbox: String
        public var rejected: String
        public var recursive = false
        /// How the watcher notices changes in the inbox (the watcher's own type: nothing to translate).
        public var mode = WatchMode.auto
        public var settleMs = 1000
        public var sidecarWaitMs = 2000
        /// How long a sidecar order waits for its image before it is judged on its own.
        public var imageWaitMs = 10000
        public var priority = 10
        public var maxCostPerKitUSD = 1.0
        public var maxCostPerDayUSD = 20.0
        public var ignore: [String] = []
        public var defaultOrder: Order
        /// How many days a finished kit stays in the outbox (and the store) after its last change
        /// before the daemon removes it; nil (the default): kept until deleted by hand.
        public var outboxRetentionDays: Int?
        /// Kits rated above this are refused before any paid generation (`content_rating_refused`); nil: no limit.
        public var maxContentRating: ContentRating?
    }

    public struct Provider: Sendable {
        public var name: String
        public var kind: String
        public var baseURL: String?
        public var model: String?
        /// The name of the environment variable holding the key (never the key itself).
        public var apiKeyEnv: String?
        public var apiKeyFile: String?
        public var concurrency = 6
        public var requestsPerMinute = 60
        public var timeoutSeconds = 180
        public var pricePerImageUSD = 0.0
        /// Provider-specific keys, kept as strings for the provider to read.
        public var extra: [String: String] = [:]
        /// `inputs` (issue 17 item 4): fixed extra inputs sent with every request (fal, replicate, comfyui).
        public var inputs: JSONValue?

        public init(name: String, kind: String, concurrency: Int = 6, requestsPerMinute: Int = 60, timeoutSeconds: Int = 180) {
            self.name = name
            self.kind = kind
            self.concurrency = concurrency
            self.requestsPerMinute = requestsPerMinute
            self.timeoutSeconds = timeoutSeconds
        }
    }

    public struct Analyzer: Sendable {
        public var baseURL: String
        public var model: String
        public var apiKeyEnv: String?
        public var apiKeyFile: String?
        public var timeoutSeconds = 60
        /// What one call costs (describing a source, choosing a candidate), counted against the
        /// kit's and the day's budgets like an image.
        public var pricePerCallUSD = 0.0
    }

    public struct Civitai: Sendable {
        public static let periods = ["AllTime", "Year", "Month", "Week", "Day"]
        public static let sorts = ["Most Reactions", "Most Comments", "Most Collected", "Newest", "Oldest", "Random"]
        public static let nsfwValues = ["None", "Soft", "Mature", "X", "true", "false"]
        public static let ratings = ["None", "Soft", "Mature", "X"]

        public var baseURL = "https://civitai.com"
        public var apiKeyEnv: String?
        public var apiKeyFile: String?
        /// New images written per run.
        public var limit = 20
        /// Items per API page (the API's `limit`).
        public var pageSize = 50
        public var maxPages = 20
        public var period = "Day"
        public var sort = "Most Reactions"
        public var nsfw = "None"
        public var modelID: Int64?
        public var username: String?
        public var tags: String?
        /// The highest content rating written into the inbox (None, Soft, Mature, X).
        public var maxRating = "None"
        public var minWidth = 512
        public var minHeight = 512
        /// nil: `[limits] max_source_bytes`.
        public var maxImageBytes: Int?
        public var attempts = 5
        public var maxRetryWaitSeconds = 120
        public var timeoutSeconds = 60
    }

    public struct Metrics: Sendable {
        /// A `*.prom` file for node_exporter's textfile collector, written atomically.
        public var textfile: String?
        /// `HOST:PORT` on a loopback address serving `GET /metrics`.
        public var listen: String?
        /// How often the textfile, the systemd STATUS line and the gauges are refreshed.
        public var intervalSeconds = 15
    }

    public struct Outputs: Sendable {
        /// Text-only plans succeed when at least this share of references was made.
        public var textPlanMinShare = 0.5
        /// Bound of the normalised source's long side.
        public var sourceLongSide = 2048
    }

    public func watch(named name: String) -> Watch? { watches.first { $0.name == name } }

    /// Advice on `[limits] concurrency` against each provider's `concurrency`, one line per
    /// provider that cannot reach its own (said at start-up and by `refkit doctor`): stages
    /// are what `[limits] concurrency` counts, and a provider's requests in flight need about
    /// two to three stages each (one sending, others preparing inputs or writing results).
    public var concurrencyAdvice: [String] {
        providers.values.sorted { $0.name < $1.name }.compactMap { provider in
            let stages = limits.concurrency
            if stages < provider.concurrency {
                return
                    "providers.\(provider.name) concurrency = \(provider.concurrency), but [limits] concurrency = \(stages) lets at most "
                    + "\(stages) of its requests run at once; set [limits] concurrency to about \(3 * provider.concurrency)"
            }
            if stages < 2 * provider.concurrency {
                return
                    "providers.\(provider.name) concurrency = \(provider.concurrency) is rarely reached with [limits] concurrency = "
                    + "\(stages): stages also prepare inputs and write results; about \(3 * provider.concurrency) keeps it busy"
            }
            return nil
        }
    }
}
