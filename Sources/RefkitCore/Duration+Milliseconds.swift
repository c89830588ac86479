extension Duration {
    /// Whole milliseconds (rounded down), as log metadata spells durations (`duration_ms`).
    public var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
