/// A failure of local face analysis, with a stable `code` (the wire string QA records) and what went wrong.
public struct FaceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine-readable code, e.g. "face_models_missing".
    public let code: String
    /// Short human summary naming the file or folder concerned.
    public let message: String
    /// Underlying cause: dlib's exception text or the C library's error.
    public let detail: String

    /// Creates an error from its parts.
    public init(code: String, message: String, detail: String = "") {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// "code: message (detail)".
    public var description: String {
        detail.isEmpty ? "\(code): \(message)" : "\(code): \(message) (\(detail))"
    }
}

extension FaceError {
    /// The models folder lacks a file the analyzer needs (run scripts/install-models.sh).
    public static let modelsMissingCode = "face_models_missing"
    /// A model file is present but dlib could not load it (truncated, wrong file).
    public static let modelsUnreadableCode = "face_models_unreadable"
    /// dlib failed while analysing pixels.
    public static let analysisFailedCode = "face_analysis_failed"
    /// The caller asked for something the analyzer cannot do (e.g. upsample 3).
    public static let invalidArgumentCode = "face_invalid_argument"

    /// Names the folder and every missing file, and how to install them.
    static func modelsMissing(folder: String, files: [String]) -> FaceError {
        FaceError(
            code: modelsMissingCode,
            message: "face models missing in \(folder): \(files.joined(separator: ", "))",
            detail: "run scripts/install-models.sh (or set REFKIT_MODELS_DIR to the folder that holds them)")
    }
}
