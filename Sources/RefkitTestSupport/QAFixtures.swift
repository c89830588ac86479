import Foundation

/// The real photos and dlib models QA tests run against, installed outside the clone by
/// scripts/install-models.sh (never committed). A missing folder or file is a test failure that
/// says how to install them, never a skip.
public enum QAFixtures {
    /// Where the photos are: `REFKIT_FIXTURES_DIR`, else the script's default.
    public static var fixturesDirectory: String {
        ProcessInfo.processInfo.environment["REFKIT_FIXTURES_DIR"] ?? "/var/cache/refkit/fixtures"
    }

    /// Where the models are: `REFKIT_MODELS_DIR`, else the script's default.
    public static var modelsDirectory: String {
        ProcessInfo.processInfo.environment["REFKIT_MODELS_DIR"] ?? "/var/cache/refkit/models"
    }

    /// The photo names install-models.sh provides: White House photos from the face_recognition
    /// 1.3.0 sdist, and scikit-image's astronaut (a face) and coffee (no face).
    public static let photoNames = [
        "obama.jpg", "obama2.jpg", "obama3.jpg", "obama_partial_face.jpg", "obama_partial_face2.jpg", "biden.jpg",
        "astronaut.png", "coffee.png",
    ]

    /// The bytes of one fixture photo, e.g. "obama.jpg"; throws naming the path and the install script.
    public static func photo(_ name: String) throws -> [UInt8] {
        let path = "\(fixturesDirectory)/\(name)"
        guard let bytes = FileFixtures.read(path) else {
            throw FixtureError("QA fixture \(path) is missing: run scripts/install-models.sh (or set REFKIT_FIXTURES_DIR)")
        }
        return bytes
    }

    /// The models folder, after checking it exists; throws naming it and the install script.
    public static func requireModelsDirectory() throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: modelsDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FixtureError("QA models folder \(modelsDirectory) is missing: run scripts/install-models.sh (or set REFKIT_MODELS_DIR)")
        }
        return modelsDirectory
    }
}
