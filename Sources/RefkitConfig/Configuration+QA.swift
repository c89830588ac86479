import RefkitCore
import RefkitQA

extension Configuration {
    /// `[qa]`: the automatic quality checks every reference goes through before its stage is done.
    public struct QA: Sendable {
        /// Checks run unless a watch or an order says `qa = false`.
        public var enabled = true
        /// Where `scripts/install-models.sh` put dlib's face models (detector, 5 landmarks, ResNet).
        public var modelsDirectory = "/var/cache/refkit/models"
        /// New attempts of a failed reference (each a paid call, within budgets) before the best is kept.
        public var maxRegenerations = 2
        /// The checks that run (a watch or an order may name fewer). The judge runs only when `judge` names one.
        public var checks: [QACheckID] = QACheckID.allCases
        /// What answers the rubric: "analyzer" (the `[analyzer]`), a provider of kind openai or gemini, or nil (no judge).
        public var judge: String?
        /// The judge's model when it is a provider (the analyzer has its own `model`).
        public var judgeModel: String?
        public var judgeTimeoutSeconds = 60
        /// What one judge call costs, counted against budgets like an image.
        public var judgePricePerCallUSD = 0.0
        /// Every edge the checks decide by (`[qa.thresholds]`).
        public var thresholds = QAThresholds()

        public init() {}

        /// The checks that run for a kit made from `order`: none when QA is off for it; the
        /// order's own list (over the watch's) narrowed to what is enabled here.
        public func checks(for order: Order) -> [QACheckID] {
            guard order.qa ?? enabled else { return [] }
            let wanted = order.qaChecks ?? checks
            return checks.filter { wanted.contains($0) && ($0 != .judge || judge != nil) }
        }
    }
}

extension ConfigReader {
    static let qaKeys: Set<String> = [
        "enabled", "models_dir", "max_regenerations", "checks", "judge", "judge_model", "judge_timeout_s", "judge_price_per_call_usd",
        "thresholds",
    ]
    static let qaThresholdKeys: Set<String> = [
        "identity_pass", "identity_fail", "three_quarter_pass", "three_quarter_fail", "duplicate_phash", "duplicate_dhash",
        "mirror_phash", "mirror_plain_above", "blank_stddev", "min_side", "face_score", "photoreal_face_score",
        "frontal_nose_offset", "judge_identity_score",
    ]
    static let judgeKinds: Set<String> = ["openai", "gemini"]

    func readQA(
        _ node: ConfigNode?, providers: [String: Configuration.Provider], analyzer: Configuration.Analyzer?
    ) throws(ConfigError) -> Configuration.QA {
        var qa = Configuration.QA()
        guard let q = try table(node, "qa", allowed: Self.qaKeys) else { return qa }
        qa.enabled = try bool(q["enabled"], "qa.enabled") ?? qa.enabled
        qa.modelsDirectory = try path(q["models_dir"], "qa.models_dir") ?? qa.modelsDirectory
        qa.maxRegenerations = try int(q["max_regenerations"], "qa.max_regenerations", 0...10) ?? qa.maxRegenerations
        if let checks = q["checks"] {
            do {
                qa.checks = try OrderValidator.qaChecks(toJSON(checks), path: "qa.checks")
            } catch {
                throw fail("qa.checks", "\(error.message): \(error.detail)")
            }
        }
        if let judge = try string(q["judge"], "qa.judge"), !judge.isEmpty {
            if judge == "analyzer" {
                guard analyzer != nil else { throw fail("qa.judge", "\"analyzer\" needs an [analyzer] section") }
            } else if let provider = providers[judge] {
                guard Self.judgeKinds.contains(provider.kind) else {
                    throw fail(
                        "qa.judge", "provider \"\(judge)\" is of kind \(provider.kind), which cannot answer text (use openai or gemini)")
                }
            } else {
                throw fail("qa.judge", "no provider named \"\(judge)\" is configured (name one, or \"analyzer\")")
            }
            qa.judge = judge
        }
        qa.judgeModel = try string(q["judge_model"], "qa.judge_model")
        qa.judgeTimeoutSeconds = try int(q["judge_timeout_s"], "qa.judge_timeout_s", 1...3600) ?? qa.judgeTimeoutSeconds
        qa.judgePricePerCallUSD =
            try double(q["judge_price_per_call_usd"], "qa.judge_price_per_call_usd", 0...100) ?? qa.judgePricePerCallUSD
        qa.thresholds = try readThresholds(q["thresholds"])
        return qa
    }

    func readThresholds(_ node: ConfigNode?) throws(ConfigError) -> QAThresholds {
        var t = QAThresholds()
        guard let n = try table(node, "qa.thresholds", allowed: Self.qaThresholdKeys) else { return t }
        func distance(_ key: String, _ value: Double) throws(ConfigError) -> Double {
            try double(n[key], "qa.thresholds.\(key)", 0...4) ?? value
        }
        t.identityFrontal.pass = try distance("identity_pass", t.identityFrontal.pass)
        t.identityFrontal.fail = try distance("identity_fail", t.identityFrontal.fail)
        t.identityThreeQuarter.pass = try distance("three_quarter_pass", t.identityThreeQuarter.pass)
        t.identityThreeQuarter.fail = try distance("three_quarter_fail", t.identityThreeQuarter.fail)
        for (pass, failKey, band) in [
            ("identity_pass", "identity_fail", t.identityFrontal), ("three_quarter_pass", "three_quarter_fail", t.identityThreeQuarter),
        ] where band.pass > band.fail {
            throw fail("qa.thresholds.\(failKey)", "must be at least \(pass) (\(band.pass)); between the two a view gets warn")
        }
        t.duplicatePhash = try int(n["duplicate_phash"], "qa.thresholds.duplicate_phash", 0...64) ?? t.duplicatePhash
        t.duplicateDhash = try int(n["duplicate_dhash"], "qa.thresholds.duplicate_dhash", 0...64) ?? t.duplicateDhash
        t.mirrorFlippedPhash = try int(n["mirror_phash"], "qa.thresholds.mirror_phash", 0...64) ?? t.mirrorFlippedPhash
        t.mirrorPlainPhashAbove = try int(n["mirror_plain_above"], "qa.thresholds.mirror_plain_above", 0...64) ?? t.mirrorPlainPhashAbove
        t.blankStddev = try double(n["blank_stddev"], "qa.thresholds.blank_stddev", 0...128) ?? t.blankStddev
        t.minSide = try int(n["min_side"], "qa.thresholds.min_side", 1...65535) ?? t.minSide
        t.faceScore = try double(n["face_score"], "qa.thresholds.face_score", -10...10) ?? t.faceScore
        t.photorealFaceScore = try double(n["photoreal_face_score"], "qa.thresholds.photoreal_face_score", -10...10) ?? t.photorealFaceScore
        t.frontalNoseOffset = try double(n["frontal_nose_offset"], "qa.thresholds.frontal_nose_offset", 0...2) ?? t.frontalNoseOffset
        t.judgeIdentityScore = try int(n["judge_identity_score"], "qa.thresholds.judge_identity_score", 0...4) ?? t.judgeIdentityScore
        return t
    }
}
