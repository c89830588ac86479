import RefkitCore

/// Every edge QA decides by, with the defaults of QA-research.md; the `[qa]` config section
/// fills it. Distances are dlib's Euclidean face-embedding distance; hash distances are bits
/// of 64; deviations are 8-bit levels.
public struct QAThresholds: Sendable, Equatable {
    /// The embedding distances that pass, warn and fail one view's identity test.
    public struct IdentityBand: Sendable, Equatable {
        /// At or below: the same person.
        public var pass: Double
        /// Above: a different person. Between `pass` and this: `warn` (dlib put different people
        /// as close as 0.56-0.61 and the same person as far as 0.70, so no single cut is safe).
        public var fail: Double

        /// A band from its two edges.
        public init(pass: Double, fail: Double) {
            self.pass = pass
            self.fail = fail
        }

        /// pass when `distance` <= `pass`, fail when > `fail`, warn between.
        public func verdict(_ distance: Double) -> QAVerdict {
            distance <= pass ? .pass : distance <= fail ? .warn : .fail
        }
    }

    /// Avatar, front-facing views and expressions.
    public var identityFrontal = IdentityBand(pass: 0.50, fail: 0.60)
    /// The 3/4 view (and face swaps, whose pose is the target's): embeddings drift with yaw.
    public var identityThreeQuarter = IdentityBand(pass: 0.55, fail: 0.65)
    /// A duplicate needs both: pHash distance at most this ...
    public var duplicatePhash = 6
    /// ... and dHash distance at most this.
    public var duplicateDhash = 8
    /// A mirror: pHash against the other's flip at most this ...
    public var mirrorFlippedPhash = 6
    /// ... while pHash against the other as it is stays above this (else it is a duplicate of
    /// a symmetric picture, not a mirror).
    public var mirrorPlainPhashAbove = 12
    /// Blank when every band's standard deviation is below this.
    public var blankStddev = 2.0
    /// Tiny when the shorter side is below this many pixels (stages ask for 768 or more).
    public var minSide = 256
    /// Faces scoring below this are not counted (dlib HOG's false positives score low).
    public var faceScore = 0.5
    /// A kit is photoreal when the locked reference's face scores at least this.
    public var photorealFaceScore = 1.0
    /// A face counts as frontal only when its nose offset (over the eye distance) is below this
    /// (0.00-0.07 measured on frontal photos, 0.21 at about 26 degrees of yaw).
    public var frontalNoseOffset = 0.12
    /// The judge's `identity_score` (0...4) a view needs.
    public var judgeIdentityScore = 3

    /// The defaults of QA-research.md.
    public init() {}

    /// The band of one view's identity test.
    public func band(for test: ViewExpectation.IdentityTest) -> IdentityBand {
        switch test {
        case .frontal: identityFrontal
        case .threeQuarter: identityThreeQuarter
        }
    }
}
