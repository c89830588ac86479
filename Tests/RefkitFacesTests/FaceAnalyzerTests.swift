import RefkitFaces
import RefkitImaging
import RefkitTestSupport
import Testing

/// dlib with its real models on real photos (installed by scripts/install-models.sh): identities,
/// poses, mirrors and the "no face" paths QA relies on.
@Suite("Face analyzer")
struct FaceAnalyzerTests {
    /// One analyzer for the suite, as in the daemon: the models load once.
    static let shared = Result { () throws -> FaceAnalyzer in
        try FaceAnalyzer.open(modelsDirectory: QAFixtures.requireModelsDirectory())
    }

    static func pixels(_ name: String, longSide: Int = 1024) throws -> RGBPixels {
        try ImageOps.rgbPixels(QAFixtures.photo(name), maxLongSide: longSide)
    }

    /// The single confident face of a portrait, with its embedding.
    static func onlyFace(_ pixels: RGBPixels) throws -> DetectedFace {
        let faces = try shared.get().analyze(pixels: pixels, upsample: 0, embeddings: true)
        try #require(faces.count == 1, "expected one face, found \(faces.count)")
        return faces[0]
    }

    static func embedding(_ name: String) throws -> FaceEmbedding {
        try #require(try onlyFace(pixels(name)).embedding)
    }

    @Test(arguments: ["obama2.jpg", "obama3.jpg"])
    func otherPhotosOfObamaAreTheSamePerson(other: String) throws {
        let distance = try Self.embedding("obama.jpg").distance(to: Self.embedding(other))
        #expect(distance < 0.5, "obama.jpg to \(other): \(distance)")
    }

    @Test func bidenIsAnotherPerson() throws {
        let distance = try Self.embedding("obama.jpg").distance(to: Self.embedding("biden.jpg"))
        #expect(distance > 0.65, "obama.jpg to biden.jpg: \(distance)")
    }

    @Test func theAstronautFacesTheCamera() throws {
        let face = try Self.onlyFace(Self.pixels("astronaut.png", longSide: 512))
        #expect(face.pose == .frontal)
        #expect(face.score > 0.5)
        #expect(try #require(face.noseOffsetRatio) < 0.12)
        #expect(face.embedding?.values.count == 128)
        // The face is in the upper middle of the 512 px picture.
        #expect((150...300).contains(face.box.left + face.box.width / 2))
        #expect((60...200).contains(face.box.top + face.box.height / 2))
    }

    @Test func aFrontalPortraitHasItsNoseBetweenItsEyes() throws {
        let face = try Self.onlyFace(Self.pixels("obama.jpg"))
        #expect(face.pose == .frontal)
        #expect(try #require(face.noseOffsetRatio) < 0.12)
        // The documented landmark order: image-right eye outer, inner; image-left eye outer, inner; nose below.
        let points = face.landmarks.map(\.x)
        #expect(points[0] > points[1] && points[1] > points[3] && points[3] > points[2], "\(points)")
        #expect(face.landmarks[4].y > face.landmarks[0].y && face.landmarks[4].y > face.landmarks[2].y)
    }

    @Test(arguments: [0, 1])
    func coffeeHasNoFace(upsample: Int) throws {
        let faces = try Self.shared.get().analyze(pixels: Self.pixels("coffee.png"), upsample: upsample, embeddings: true)
        #expect(faces.isEmpty, "found \(faces.map(\.score))")
    }

    @Test func aBlackImageHasNoFace() throws {
        let black = try RGBPixels.solid(width: 512, height: 512, red: 0, green: 0, blue: 0)
        #expect(try Self.shared.get().analyze(pixels: black, upsample: 1, embeddings: true).isEmpty)
    }

    /// The embedding cannot see a mirror (QA needs the image hash for that): the flipped photo is the same person.
    @Test func theMirroredPhotoIsTheSamePerson() throws {
        let photo = try Self.pixels("obama.jpg")
        let original = try #require(try Self.onlyFace(photo).embedding)
        let mirrored = try Self.onlyFace(photo.flippedHorizontally())
        let distance = original.distance(to: try #require(mirrored.embedding))
        #expect(distance < 0.3, "obama.jpg to its mirror: \(distance)")
        #expect(mirrored.pose?.facesCamera == true)
    }

    @Test func paintingOverTheFaceLeavesNoFace() throws {
        let photo = try Self.pixels("obama.jpg")
        let box = try Self.onlyFace(photo).box
        // A quarter of the box beyond each side: the detector window reaches past dlib's box.
        let (marginX, marginY) = (box.width / 4, box.height / 4)
        let painted = photo.filling(
            x: box.left - marginX, y: box.top - marginY, width: box.width + 2 * marginX, height: box.height + 2 * marginY,
            red: 128, green: 128, blue: 128)
        #expect(try Self.shared.get().analyze(pixels: painted, upsample: 1).isEmpty)
    }

    /// A face below the 80 px window is found only after upsampling, with its box in the caller's pixels.
    @Test func upsamplingFindsASmallFaceInTheCallersCoordinates() throws {
        let analyzer = try Self.shared.get()
        let large = try #require(try analyzer.analyze(pixels: Self.pixels("astronaut.png", longSide: 512)).first)
        let small = try Self.pixels("astronaut.png", longSide: 256)
        #expect(try analyzer.analyze(pixels: small, upsample: 0).isEmpty)
        let found = try #require(try analyzer.analyze(pixels: small, upsample: 1).first)
        #expect(abs(found.box.left * 2 - large.box.left) <= 12)
        #expect(abs(found.box.width * 2 - large.box.width) <= 16)
        #expect(found.embedding == nil)
    }

    /// Many tasks share one analyzer; the mutex queues them (dlib's own guard would refuse an overlap).
    @Test func concurrentAnalysesAgree() async throws {
        let analyzer = try Self.shared.get()
        let pixels = try Self.pixels("astronaut.png", longSide: 512)
        let serial = try analyzer.analyze(pixels: pixels, embeddings: true)
        let results = try await withThrowingTaskGroup(of: [DetectedFace].self) { group in
            for _ in 0..<4 { group.addTask { try analyzer.analyze(pixels: pixels, embeddings: true) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 4)
        #expect(results.allSatisfy { $0 == serial })
    }

    @Test func upsamplingTwiceIsRefused() throws {
        let pixels = try RGBPixels.solid(width: 8, height: 8, red: 0, green: 0, blue: 0)
        #expect(throws: FaceError.self) { try Self.shared.get().analyze(pixels: pixels, upsample: 2) }
    }

    @Test func aMissingModelsFolderNamesTheFolderAndTheFiles() throws {
        let folder = try TemporaryDirectory("no-models")
        let missing = folder.url("models")
        #expect {
            try FaceAnalyzer.open(modelsDirectory: missing)
        } throws: { error in
            guard let error = error as? FaceError else { return false }
            return error.code == FaceError.modelsMissingCode && error.message.contains(missing)
                && error.message.contains("dlib_face_recognition_resnet_model_v1.dat")
                && error.message.contains("shape_predictor_5_face_landmarks.dat")
                && error.detail.contains("scripts/install-models.sh")
        }
    }

    @Test func aDamagedModelIsNamedAsUnreadable() throws {
        let folder = try TemporaryDirectory("bad-models")
        let landmarks = try #require(FileFixtures.read("\(QAFixtures.requireModelsDirectory())/shape_predictor_5_face_landmarks.dat"))
        try FileFixtures.write(landmarks, to: folder.url("shape_predictor_5_face_landmarks.dat"))
        try FileFixtures.write(Array("not a network".utf8), to: folder.url("dlib_face_recognition_resnet_model_v1.dat"))
        #expect {
            try FaceAnalyzer.open(modelsDirectory: folder.path)
        } throws: { error in
            guard let error = error as? FaceError else { return false }
            return error.code == FaceError.modelsUnreadableCode && error.detail.contains("dlib_face_recognition_resnet_model_v1.dat")
        }
    }
}
