import Foundation
import RefkitConfig
import RefkitCore
import RefkitFaces
import RefkitImaging
import RefkitProviders
import RefkitQA
import RefkitStore
import Synchronization

/// QA as the pipeline carries it out (issue 15): measures a stage's image against the kit's
/// other images and its identity reference (`QAInspector`), asks the judge when one is
/// configured, and says what the stage's verdict is. The rules are RefkitQA's; this holds what
/// is expensive to make again (the face models, fingerprints, identity references) and reads the
/// images.
struct StageQA: Sendable {
    let settings: Configuration.QA
    let work: WorkFiles
    /// `[outputs] source_long_side`: the source's work copy is read at this size.
    let sourceLongSide: Int
    /// The judge, when `[qa] judge` names one that can be used.
    let judge: QAJudge?
    /// Why the configured judge cannot be used, when it cannot.
    let judgeUnavailable: String?
    private let caches = Caches()
    /// Images measured at once: one per core. Stages whose answers arrive together (a provider's
    /// batch) would otherwise decode all of them side by side, each holding its pixels, for no
    /// gain in time on a CPU that is already busy.
    let measuring = RequestSlots(limit: max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// What is measured once per file: fingerprints of kit images, identity references.
    final class Caches: Sendable {
        let fingerprints = Mutex<[String: ImageFingerprint]>([:])
        let references = Mutex<[String: QAInspector.Reference]>([:])

        /// Keeps `value` under `key`, starting the cache again when it is full.
        static func keep<Value: Sendable>(_ value: Value, as key: String, in cache: borrowing Mutex<[String: Value]>) {
            cache.withLock { entries in
                if entries.count >= StageQA.cacheLimit { entries.removeAll(keepingCapacity: true) }
                entries[key] = value
            }
        }
    }
    /// Entries kept per cache before it starts again (a fingerprint is 40 bytes, a reference
    /// about 1 KiB: bounded so a daemon running for months stays small).
    static let cacheLimit = 4096

    init(settings: Configuration.QA, work: WorkFiles, sourceLongSide: Int, judge: QAJudge?, judgeUnavailable: String?) {
        self.settings = settings
        self.work = work
        self.sourceLongSide = sourceLongSide
        self.judge = judge
        self.judgeUnavailable = judgeUnavailable
    }

    var policy: RegenerationPolicy { RegenerationPolicy(maxRegenerations: settings.maxRegenerations) }

    /// The inspector, with the process's face analyzer (nil, and why, when the models cannot be loaded).
    func inspector() -> (QAInspector, modelsProblem: String?) {
        switch FaceModelCache.analyzer(directory: settings.modelsDirectory) {
        case .success(let analyzer): (QAInspector(analyzer: analyzer, thresholds: settings.thresholds), nil)
        case .failure(let error): (QAInspector(analyzer: nil, thresholds: settings.thresholds), error.description)
        }
    }

    /// What a stage's image is compared with: the kit's other made images (and the source), and
    /// the identity reference (the source for the avatar and its candidates, else the locked
    /// reference). Read from the store's view of the kit when the image was made.
    struct KitImages {
        var others: [Image]
        var reference: Image?

        /// One image: the name checks report it by (a stage's name, `source`), its work file
        /// (what the caches are keyed by) and how to read it.
        struct Image {
            var name: String
            var file: String
            var mime: String
            var bytes: () throws -> [UInt8]
        }
    }

    /// The local checks of `candidate`, in LocalChecks' order.
    /// `file`: the candidate's work file, under which its fingerprint is kept for the kit's later checks.
    func check(stage: Stage, candidate: [UInt8], file: String?, images: KitImages, checks enabled: Set<QACheckID>) throws -> [QACheckResult]
    {
        let (measure, modelsProblem) = inspector()
        let others = try images.others.map { NamedFingerprint(file: $0.name, fingerprint: try fingerprint($0.file, $0.bytes)) }
        let reference = try images.reference.map { try identityReference($0, inspector: measure) }
        var (checks, measured) = try measure.inspect(
            stage: stage, candidate: candidate, reference: reference, others: others, enabled: enabled)
        if let file, let measured { remember(measured, file: file) }
        if let modelsProblem {
            checks = checks.map { check in
                guard check.verdict == .skipped, check.check == .face || check.check == .identity, enabled.contains(check.check) else {
                    return check
                }
                return .skipped(check.check, "the face models cannot be loaded: \(modelsProblem)")
            }
        }
        if images.reference == nil {  // a text-only kit before its first character
            checks = checks.map { check in
                guard check.check == .identity, check.verdict == .skipped, enabled.contains(.identity) else { return check }
                return .skipped(.identity, "the kit has no image of the character to compare with (text only)")
            }
        }
        return checks
    }

    /// The fingerprint of a kit image, measured once per file (work files are never rewritten:
    /// a new attempt is a new file).
    func fingerprint(_ file: String, _ bytes: () throws -> [UInt8]) throws -> ImageFingerprint {
        if let known = caches.fingerprints.withLock({ $0[file] }) { return known }
        let (measured, _) = try ImageOps.fingerprint(try bytes())
        remember(measured, file: file)
        return measured
    }

    func remember(_ fingerprint: ImageFingerprint, file: String) {
        Caches.keep(fingerprint, as: file, in: caches.fingerprints)
    }

    func identityReference(_ image: KitImages.Image, inspector: QAInspector) throws -> QAInspector.Reference {
        // Keyed by whether faces were looked for too: a reference measured without the models is
        // measured again once they load.
        let key = "\(inspector.analyzer == nil ? "nofaces" : "faces"):\(image.name):\(image.file)"
        if let known = caches.references.withLock({ $0[key] }) { return known }
        let known = caches.fingerprints.withLock { $0[image.file] }
        let measured = try inspector.reference(try image.bytes(), file: image.name, fingerprint: known)
        Caches.keep(measured, as: key, in: caches.references)
        return measured
    }
}

/// The face models, loaded once per process (half a second and 50 MiB; every configuration a
/// reload makes shares them), by directory. A failure is kept too, so a missing model is
/// reported per stage without reading the directory again each time.
enum FaceModelCache {
    private static let loaded = Mutex<[String: Result<FaceAnalyzer, FaceError>]>([:])

    static func analyzer(directory: String) -> Result<FaceAnalyzer, FaceError> {
        loaded.withLock { cache in
            if let known = cache[directory] { return known }
            let opened = Result { () throws(FaceError) in try FaceAnalyzer.open(modelsDirectory: directory) }
            cache[directory] = opened
            return opened
        }
    }
}

/// A judge the pipeline can ask (RefkitProviders' `VisionJudge` in the daemon): the rubric's two
/// texts and the two images in, the model's raw text out.
struct QAJudge: Sendable {
    /// The model asked for (the reply names the one that answered).
    var model: String
    /// What one call costs (`[qa] judge_price_per_call_usd`).
    var priceUSD: Double
    var ask:
        @Sendable (_ reference: ReferenceImage, _ candidate: ReferenceImage, _ system: String, _ user: String, _ candidateFirst: Bool)
            async throws -> JudgeReply

    /// `judge` as the pipeline asks it.
    init(_ judge: VisionJudge, priceUSD: Double) {
        model = judge.model
        self.priceUSD = priceUSD
        ask = { reference, candidate, system, user, candidateFirst in
            try await judge.judge(reference: reference, candidate: candidate, system: system, user: user, candidateFirst: candidateFirst)
        }
    }
}
