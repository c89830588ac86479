import RefkitCore

/// What one decode measured of a candidate image (`ImageOps.fingerprint` in RefkitImaging).
public struct ImageFacts: Sendable, Equatable {
    /// The candidate's hashes.
    public var fingerprint: ImageFingerprint
    /// The candidate's size and band statistics.
    public var health: ImageHealth

    /// Facts from one `ImageOps.fingerprint`.
    public init(fingerprint: ImageFingerprint, health: ImageHealth) {
        self.fingerprint = fingerprint
        self.health = health
    }
}

/// Another image of the kit the candidate is compared with, by the file name reasons cite
/// (`front.png`, `source.jpg`, `avatar.png` as the locked reference).
public struct NamedFingerprint: Sendable, Equatable {
    /// The file name reasons cite, relative to the kit folder.
    public var file: String
    /// Its hashes.
    public var fingerprint: ImageFingerprint

    /// A compared image from its name and hashes.
    public init(file: String, fingerprint: ImageFingerprint) {
        self.file = file
        self.fingerprint = fingerprint
    }
}

/// One face the detector found, reduced to what the decisions need (RefkitFaces' `DetectedFace`:
/// `FacePose.frontal` is `.frontal`, left/right looking `.turned`, rotated left/right `.rotated`).
public struct FaceObservation: Sendable, Equatable {
    /// Which of dlib HOG's five filters fired (QA-research.md §1.4).
    public enum Pose: String, Sendable, Equatable, Codable {
        /// Filter 0: looking at the camera.
        case frontal
        /// Filters 1 and 2: looking left or right.
        case turned
        /// Filters 3 and 4: looking at the camera, head tilted in the image plane.
        case rotated
    }

    /// The detector's confidence (HOG: about 0 to 3; below 0.5 is mostly noise).
    public var score: Double
    /// Which filter found it.
    public var pose: Pose
    /// Nose tip's offset from the eyes' midpoint over the eye distance (5-point landmarks);
    /// nil when landmarks were not fitted.
    public var noseOffsetRatio: Double?
    /// Euclidean distance of this face's embedding to the identity reference's (the locked
    /// reference; the source for the avatar and its candidates); nil when either has none.
    public var identityDistance: Double?

    /// A face from the analyser's numbers.
    public init(score: Double, pose: Pose, noseOffsetRatio: Double? = nil, identityDistance: Double? = nil) {
        self.score = score
        self.pose = pose
        self.noseOffsetRatio = noseOffsetRatio
        self.identityDistance = identityDistance
    }

    /// Whether this face looks at the camera: a frontal or in-plane-rotated filter fired and
    /// the landmarks (when fitted) do not say the head is turned.
    public func isFrontal(_ thresholds: QAThresholds) -> Bool {
        pose != .turned && (noseOffsetRatio.map { abs($0) < thresholds.frontalNoseOffset } ?? true)
    }
}

/// Whether a kit's identity can be measured locally: only when its locked reference is a
/// photographic face. A stylised, anime or text-only character gets identity from the judge
/// alone, and says so.
public enum IdentityMode: Sendable, Equatable {
    case photoreal
    /// Why the kit counts as stylised, for the checks' `detail`.
    case stylized(reason: String)

    /// The manifest's `identity_mode`.
    public var name: String {
        switch self {
        case .photoreal: "photoreal"
        case .stylized: "stylized"
        }
    }

    /// Decides from the faces found on the locked reference: photoreal when the best scores at
    /// least `photorealFaceScore`. nil faces: face analysis did not run, so nothing is measured.
    public static func of(lockedReferenceFaces faces: [FaceObservation]?, thresholds: QAThresholds) -> IdentityMode {
        guard let faces else { return .stylized(reason: "face analysis did not run on the locked reference") }
        guard let best = faces.map(\.score).max() else {
            return .stylized(reason: "no face was found on the locked reference")
        }
        guard best >= thresholds.photorealFaceScore else {
            let under = thresholds.photorealFaceScore.rounded(places: 2)
            return .stylized(reason: "the locked reference's best face scores \(best.rounded(places: 2)), under \(under)")
        }
        return .photoreal
    }
}

extension Double {
    /// Rounded to `places` decimals, for details people read.
    func rounded(places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
