/// A point in the pixels the face was found in.
public struct FacePoint: Sendable, Equatable {
    /// Column, from the left edge.
    public let x: Double
    /// Row, from the top edge.
    public let y: Double

    /// Creates a point.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A face's bounding box in pixels (may extend past the image edge).
public struct FaceBox: Sendable, Equatable {
    /// Left column.
    public let left: Int
    /// Top row.
    public let top: Int
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int

    /// Creates a box.
    public init(left: Int, top: Int, width: Int, height: Int) {
        self.left = left
        self.top = top
        self.width = width
        self.height = height
    }
}

/// Which of dlib's five HOG filters found the face: a coarse head pose.
///
/// dlib documents them as "front looking, left looking, right looking, front looking but rotated
/// left, front looking but rotated right". None is built for a true profile: a side view showing a
/// `frontal` face is the failure to catch, not a side view to accept.
public enum FacePose: String, Sendable, Equatable, CaseIterable {
    /// Filter 0: facing the camera.
    case frontal
    /// Filter 1: turned, looking to one side.
    case leftLooking
    /// Filter 2: turned, looking to the other side.
    case rightLooking
    /// Filter 3: facing the camera, head tilted (in-plane) one way.
    case rotatedLeft
    /// Filter 4: facing the camera, head tilted the other way.
    case rotatedRight

    /// The pose of dlib's sub-detector index (`weight_index`); nil for an index dlib does not have.
    public init?(subDetector: Int) {
        switch subDetector {
        case 0: self = .frontal
        case 1: self = .leftLooking
        case 2: self = .rightLooking
        case 3: self = .rotatedLeft
        case 4: self = .rotatedRight
        default: return nil
        }
    }

    /// Facing the camera (tilted or not): what a side or back view must not show.
    public var facesCamera: Bool {
        switch self {
        case .frontal, .rotatedLeft, .rotatedRight: true
        case .leftLooking, .rightLooking: false
        }
    }
}

/// One face dlib found: where, how sure, which way it looks, its 5 landmarks and, if asked, its embedding.
public struct DetectedFace: Sendable, Equatable {
    /// Bounding box in the analysed pixels.
    public let box: FaceBox
    /// HOG detector score: 0 is dlib's threshold; research gates on >= 0.5 (>= 1.0 for "photographic").
    public let score: Double
    /// dlib's HOG filter index (0...4), kept raw for the manifest.
    public let subDetector: Int
    /// The 5 landmarks in dlib's order: outer and inner corner of the eye on the image's right, the
    /// same for the eye on the image's left, the bottom of the nose.
    public let landmarks: [FacePoint]
    /// The identity vector, when embeddings were asked for.
    public let embedding: FaceEmbedding?

    /// Creates a face value (the analyzer makes these; tests build them directly).
    public init(box: FaceBox, score: Double, subDetector: Int, landmarks: [FacePoint], embedding: FaceEmbedding?) {
        self.box = box
        self.score = score
        self.subDetector = subDetector
        self.landmarks = landmarks
        self.embedding = embedding
    }

    /// The head pose dlib's filter index stands for; nil for an unknown index.
    public var pose: FacePose? { FacePose(subDetector: subDetector) }

    /// How far the nose sits off the middle between the eyes, along the eye line, in inter-ocular
    /// distances (always >= 0). About 0.00-0.07 for frontal photos and 0.21 at ~26 degrees of yaw
    /// (QA-research.md section 1.4); unreliable past ~50 degrees, where the 5-point fit drifts.
    /// Measured along the eye line, so a tilted (rolled) head does not count as turned. Nil without
    /// 5 landmarks or with the eyes on one point.
    public var noseOffsetRatio: Double? {
        guard landmarks.count == 5 else { return nil }
        let firstEye = Self.midpoint(landmarks[0], landmarks[1])
        let secondEye = Self.midpoint(landmarks[2], landmarks[3])
        let between = Self.midpoint(firstEye, secondEye)
        let (axisX, axisY) = (secondEye.x - firstEye.x, secondEye.y - firstEye.y)
        let interOcular = (axisX * axisX + axisY * axisY).squareRoot()
        guard interOcular > 0 else { return nil }
        let nose = landmarks[4]
        let along = ((nose.x - between.x) * axisX + (nose.y - between.y) * axisY) / interOcular
        return abs(along) / interOcular
    }

    private static func midpoint(_ a: FacePoint, _ b: FacePoint) -> FacePoint {
        FacePoint(x: (a.x + b.x) / 2, y: (a.y + b.y) / 2)
    }
}
