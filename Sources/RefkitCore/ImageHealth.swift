/// What one decode says about an image's content, for QA's health check (issue 15): its size
/// and per-band statistics of the upright, 8-bit sRGB pixels (alpha flattened onto white).
/// Numbers only (measured by RefkitImaging); the verdict (blank, tiny) is RefkitQA's, against
/// thresholds the config sets. A Core value so that both can name it.
public struct ImageHealth: Sendable, Equatable {
    /// Width in pixels, after EXIF orientation.
    public var width: Int
    /// Height in pixels, after EXIF orientation.
    public var height: Int
    /// Standard deviation of each band (R, G, B), in 0...255 levels.
    public var bandDeviations: [Double]
    /// Mean of each band (R, G, B), in 0...255 levels.
    public var bandMeans: [Double]

    /// Health from numbers already measured.
    public init(width: Int, height: Int, bandDeviations: [Double], bandMeans: [Double]) {
        self.width = width
        self.height = height
        self.bandDeviations = bandDeviations
        self.bandMeans = bandMeans
    }

    /// The flattest band's deviation (what the manifest records as `stddev_min`).
    public var stddevMin: Double { bandDeviations.min() ?? 0 }
    /// The busiest band's deviation: an image is blank only when even this one is flat, since
    /// a picture may legitimately hold one band constant (a red-to-blue gradient has no green).
    public var stddevMax: Double { bandDeviations.max() ?? 0 }
    /// Mean over all bands: near 0 for the all-black safety placeholder.
    public var mean: Double { bandMeans.isEmpty ? 0 : bandMeans.reduce(0, +) / Double(bandMeans.count) }
}
