import Foundation
import RefkitFaces
import RefkitImaging
import Testing

/// The decisions around a face, as values: no models, no files.
@Suite("Face values")
struct FaceValueTests {
    /// Eyes level at y = 100, 60 px apart around x = 100; the nose 40 px below, `noseX` across.
    static func face(noseX: Double, landmarks count: Int = 5) -> DetectedFace {
        let points = [
            FacePoint(x: 140, y: 100), FacePoint(x: 120, y: 100), FacePoint(x: 60, y: 100), FacePoint(x: 80, y: 100),
            FacePoint(x: noseX, y: 140),
        ]
        return DetectedFace(
            box: FaceBox(left: 40, top: 60, width: 120, height: 120), score: 1.2, subDetector: 0,
            landmarks: Array(points.prefix(count)), embedding: nil)
    }

    @Test func noseOffsetIsZeroForACentredNoseAndGrowsWithTheTurn() throws {
        #expect(try #require(Self.face(noseX: 100).noseOffsetRatio) == 0)
        // Eye centres are 130 and 70: 60 px apart; a nose 15 px off the middle is a quarter of that.
        #expect(abs(try #require(Self.face(noseX: 115).noseOffsetRatio) - 0.25) < 1e-9)
        #expect(abs(try #require(Self.face(noseX: 85).noseOffsetRatio) - 0.25) < 1e-9)
    }

    @Test func aTiltedHeadWithACentredNoseIsNotTurned() throws {
        // The frontal face above rotated by 30 degrees about the point between the eyes.
        let angle = Double.pi / 6
        func rotated(_ x: Double, _ y: Double) -> FacePoint {
            let (dx, dy) = (x - 100, y - 100)
            return FacePoint(x: 100 + dx * cos(angle) - dy * sin(angle), y: 100 + dx * sin(angle) + dy * cos(angle))
        }
        let tilted = DetectedFace(
            box: FaceBox(left: 40, top: 60, width: 120, height: 120), score: 1, subDetector: 3,
            landmarks: [rotated(140, 100), rotated(120, 100), rotated(60, 100), rotated(80, 100), rotated(100, 140)],
            embedding: nil)
        #expect(try #require(tilted.noseOffsetRatio) < 1e-9)
        #expect(tilted.pose == .rotatedLeft)
        #expect(tilted.pose?.facesCamera == true)
    }

    @Test func noseOffsetNeedsFiveDistinctLandmarks() {
        #expect(Self.face(noseX: 100, landmarks: 4).noseOffsetRatio == nil)
        let collapsed = DetectedFace(
            box: FaceBox(left: 0, top: 0, width: 10, height: 10), score: 1, subDetector: 0,
            landmarks: Array(repeating: FacePoint(x: 5, y: 5), count: 5), embedding: nil)
        #expect(collapsed.noseOffsetRatio == nil)
    }

    @Test func posesFollowDlibsFilterOrder() {
        #expect((0...4).compactMap(FacePose.init(subDetector:)) == FacePose.allCases)
        #expect(FacePose(subDetector: 5) == nil)
        #expect(FacePose.allCases.filter { !$0.facesCamera } == [.leftLooking, .rightLooking])
    }

    @Test func embeddingDistanceIsEuclidean() {
        let origin = FaceEmbedding(values: [0, 0, 0])
        #expect(origin.distance(to: FaceEmbedding(values: [3, 4, 0])) == 5)
        #expect(origin.distance(to: origin) == 0)
        #expect(origin.distance(to: FaceEmbedding(values: [0, 0])) == .infinity)
    }

    @Test func missingModelsAreNamedInInstallOrderAndTheMmodFileIsOptional() {
        let all = Set(FaceModels.expectedFiles.map(\.name))
        #expect(FaceModels.missingForAnalyzer(presentNames: all).isEmpty)
        let analyzerFiles: Set = ["dlib_face_recognition_resnet_model_v1.dat", "shape_predictor_5_face_landmarks.dat"]
        #expect(FaceModels.missingForAnalyzer(presentNames: analyzerFiles).isEmpty)
        #expect(
            FaceModels.missingForAnalyzer(presentNames: ["mmod_human_face_detector.dat"])
                == ["dlib_face_recognition_resnet_model_v1.dat", "shape_predictor_5_face_landmarks.dat"])
        #expect(FaceModels.expectedFiles.allSatisfy { $0.sha256.count == 64 })
        #expect(!FaceModels.expectedFiles.contains { $0.name.contains("68") })
    }
}
