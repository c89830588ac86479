import CFaceShim
import Glibc
import RefkitImaging
import Synchronization

/// dlib's face pipeline with its models loaded once: HOG detection, 5 landmarks, ResNet embeddings.
///
/// Analyses are serialised by a `Mutex` around the one dlib handle (dlib's detector and network
/// keep scratch state and are not thread-safe), not by an actor: an analysis is 50-200 ms of
/// synchronous CPU work, which belongs on the caller's blocking executor (the stage executor),
/// never on the cooperative pool an actor would run it on. Callers on several threads simply queue.
///
/// The process should set `OPENBLAS_NUM_THREADS=1` before the first analysis (the daemon's
/// environment, not this library: setenv in a running multi-threaded process is unsafe): otherwise
/// OpenBLAS starts a thread per core for each embedding, competing with the HTTP work.
public final class FaceAnalyzer: Sendable {
    /// Most faces described for one image (the best-scoring ones); a reference shows one or two.
    public static let maximumFaces = 16

    private let handle: Mutex<ModelHandle>
    /// The folder the models were loaded from.
    public let modelsDirectory: String

    private init(handle: consuming ModelHandle, modelsDirectory: String) {
        self.handle = Mutex(handle)
        self.modelsDirectory = modelsDirectory
    }

    /// Loads the models from `modelsDirectory` (about 0.4 s and 50 MB; do it once per process).
    /// Throws `face_models_missing` naming the folder and every missing file, or
    /// `face_models_unreadable` naming the file dlib could not load.
    public static func open(modelsDirectory: String) throws(FaceError) -> FaceAnalyzer {
        let present = Set(FaceModels.expectedFiles.map(\.name).filter { access("\(modelsDirectory)/\($0)", R_OK) == 0 })
        let missing = FaceModels.missingForAnalyzer(presentNames: present)
        guard missing.isEmpty else { throw .modelsMissing(folder: modelsDirectory, files: missing) }

        var error = [CChar](repeating: 0, count: 1024)
        guard let pointer = rf_open(modelsDirectory, &error, error.count) else {
            throw FaceError(
                code: FaceError.modelsUnreadableCode, message: "face models in \(modelsDirectory) could not be loaded",
                detail: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return FaceAnalyzer(handle: ModelHandle(pointer: pointer), modelsDirectory: modelsDirectory)
    }

    /// Finds the faces in `pixels`, best score first.
    ///
    /// - Parameters:
    ///   - upsample: 0 finds faces of about 80 px and larger; 1 doubles the image first and finds
    ///     them down to about 40 px (half and full figures), at about three times the cost.
    ///   - embeddings: compute each face's 128-D embedding (about 35 ms a face with OpenBLAS).
    ///   - minimumScore: lowest detector score kept; 0 is dlib's own threshold.
    public func analyze(
        pixels: RGBPixels, upsample: Int = 0, embeddings: Bool = false, minimumScore: Double = 0
    )
        throws(FaceError) -> [DetectedFace]
    {
        guard (0...1).contains(upsample) else {
            throw FaceError(code: FaceError.invalidArgumentCode, message: "upsample must be 0 or 1, not \(upsample)")
        }
        let options = rf_options(upsample: Int32(upsample), want_embeddings: embeddings ? 1 : 0, min_score: minimumScore)
        var faces = [rf_face](repeating: rf_face(), count: Self.maximumFaces)
        var error = [CChar](repeating: 0, count: 512)
        let found = handle.withLock { model in
            pixels.bytes.withUnsafeBufferPointer { rgb in
                rf_analyze(
                    model.pointer, rgb.baseAddress, Int32(pixels.width), Int32(pixels.height), Int32(pixels.rowStride),
                    options, &faces, Int32(faces.count), &error, error.count)
            }
        }
        guard found >= 0 else {
            throw FaceError(
                code: FaceError.analysisFailedCode, message: "face analysis of \(pixels.width)x\(pixels.height) pixels failed",
                detail: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return faces.prefix(min(Int(found), faces.count)).map { Self.face(from: $0) }
    }

    private static func face(from raw: rf_face) -> DetectedFace {
        let landmarks = withUnsafeBytes(of: raw.landmarks) { bytes in
            let values = bytes.bindMemory(to: Float.self)
            return (0..<Int(RF_LANDMARK_COUNT)).map { FacePoint(x: Double(values[$0 * 2]), y: Double(values[$0 * 2 + 1])) }
        }
        let embedding =
            raw.has_embedding == 0
            ? nil
            : withUnsafeBytes(of: raw.embedding) { bytes in
                FaceEmbedding(values: Array(bytes.bindMemory(to: Float.self)))
            }
        return DetectedFace(
            box: FaceBox(
                left: Int(raw.left), top: Int(raw.top), width: Int(raw.right - raw.left + 1), height: Int(raw.bottom - raw.top + 1)),
            score: raw.score, subDetector: Int(raw.weight_index), landmarks: landmarks, embedding: embedding)
    }
}

/// Sole owner of the dlib handle; closes it when the analyzer goes away. Unchecked Sendable: the
/// pointer is never copied out and is only used inside the analyzer's mutex.
private struct ModelHandle: ~Copyable, @unchecked Sendable {
    let pointer: OpaquePointer

    deinit {
        rf_close(pointer)
    }
}
