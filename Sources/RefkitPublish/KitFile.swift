/// One file of a kit folder: a stage image (`side.png`, `expressions/smile.png`), a candidate, or
/// the normalised source (`source.jpg`).
public struct KitFile: Sendable, Equatable {
    /// Path relative to the kit folder; `/`-separated, no `.`/`..`/empty or hidden components.
    public var relativePath: String
    public var contents: [UInt8]

    public init(relativePath: String, contents: [UInt8]) {
        self.relativePath = relativePath
        self.contents = contents
    }
}
