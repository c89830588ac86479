/// The folders of one test watch inside a temporary directory, and the configuration text
/// (`refkit.toml`) that points a daemon at them.
public struct IntakeFolders: Sendable {
    public let inbox: String
    public let outbox: String
    public let rejected: String
    public let stateDir: String
    /// A folder outside the inbox tree, for link targets and other foreign files.
    public let outside: String

    public init(in directory: TemporaryDirectory) throws {
        inbox = try directory.folder("inbox")
        outbox = try directory.folder("outbox")
        rejected = try directory.folder("rejected")
        stateDir = try directory.folder("state")
        outside = try directory.folder("outside")
    }

    /// The TOML of a configuration with one watch named `watch` over these folders. Waits are
    /// short so tests stay fast; `extraLimits` and `extraWatch` add raw lines to those tables.
    public func configText(
        watch: String = "test",
        settleMs: Int = 200,
        sidecarWaitMs: Int = 300,
        imageWaitMs: Int = 800,
        maxSourceBytes: Int? = nil,
        maxSourcePixels: Int? = nil,
        defaultStages: String = "turnaround"
    ) -> String {
        var limits: [String] = []
        if let maxSourceBytes { limits.append("max_source_bytes = \(maxSourceBytes)") }
        if let maxSourcePixels { limits.append("max_source_pixels = \(maxSourcePixels)") }
        return """
            state_dir = "\(stateDir)"

            [limits]
            \(limits.joined(separator: "\n"))

            [[watch]]
            name = "\(watch)"
            inbox = "\(inbox)"
            outbox = "\(outbox)"
            rejected = "\(rejected)"
            mode = "inotify"
            settle_ms = \(settleMs)
            sidecar_wait_ms = \(sidecarWaitMs)
            image_wait_ms = \(imageWaitMs)
              [watch.default_order]
              stages = "\(defaultStages)"
              provider = "preview"

            """
    }
}
