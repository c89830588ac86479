/// dlib's 128-D face descriptor: two photos of one person lie close in Euclidean distance.
///
/// dlib trained it so that one identity fits in a ball of radius 0.6; the research measured same
/// person 0.32-0.55 and different people above 0.66 (QA-research.md section 1.3). Cosine similarity
/// is the wrong measure for these vectors.
public struct FaceEmbedding: Sendable, Equatable {
    /// The 128 components.
    public let values: [Float]

    /// Wraps components; dlib's vectors have 128.
    public init(values: [Float]) {
        self.values = values
    }

    /// Euclidean distance; vectors of different lengths are infinitely far apart (different models).
    public func distance(to other: FaceEmbedding) -> Double {
        guard values.count == other.values.count else { return .infinity }
        var sum = 0.0
        for (a, b) in zip(values, other.values) {
            let difference = Double(a) - Double(b)
            sum += difference * difference
        }
        return sum.squareRoot()
    }
}
