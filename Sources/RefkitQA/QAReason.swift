import RefkitCore

/// Why a check warned or failed, as the stable code users see in the manifest, `refkit show`
/// and metrics (QA-research.md §5.3). Codes that name a file carry it after a colon.
public enum QAReason: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Every band is flat: a black safety placeholder, an empty render.
    case blank
    /// Shorter side below the configured minimum.
    case tiny
    /// The provider answered without an image (e.g. Gemini's `IMAGE_SAFETY`).
    case noImage
    /// The same picture as this file of the kit (or the source, or the locked reference).
    case duplicateOf(String)
    /// This file of the kit flipped left-right.
    case mirrorOf(String)
    /// The back view shows a face.
    case faceInBackView
    /// The side view shows a face from the front.
    case frontalInSideView
    /// A view that must show a face shows none.
    case noFace
    /// A view that must face the camera shows a face turned away (a warning: HOG's side
    /// filters also fire on slightly turned heads, as strong expressions often are).
    case notFrontal
    /// The face embedding is too far from the locked reference's.
    case identityDistance
    /// The judge says this is not the same character.
    case judgeIdentity
    /// The judge sees the wrong view (or a mirrored front, or a face on a back view).
    case judgeView
    /// The judge sees a broken image: defects, text, a collage, a placeholder.
    case judgeImage
    /// The judge failed, timed out or answered outside the rubric.
    case judgeUnavailable
    /// Another attempt would have exceeded a budget, so regeneration stopped.
    case budgetExhausted

    /// The stable string: `blank`, `duplicate_of:front.png`, `qa_budget_exhausted`, ...
    public var code: String {
        switch self {
        case .blank: "blank"
        case .tiny: "tiny"
        case .noImage: "no_image"
        case .duplicateOf(let file): "duplicate_of:\(file)"
        case .mirrorOf(let file): "mirror_of:\(file)"
        case .faceInBackView: "face_in_back_view"
        case .frontalInSideView: "frontal_in_side_view"
        case .noFace: "no_face"
        case .notFrontal: "not_frontal"
        case .identityDistance: "identity_distance"
        case .judgeIdentity: "judge_identity"
        case .judgeView: "judge_view"
        case .judgeImage: "judge_image"
        case .judgeUnavailable: "judge_unavailable"
        case .budgetExhausted: "qa_budget_exhausted"
        }
    }

    /// Every code without a file, for parsing.
    private static let plain: [QAReason] = [
        .blank, .tiny, .noImage, .faceInBackView, .frontalInSideView, .noFace, .notFrontal, .identityDistance,
        .judgeIdentity, .judgeView, .judgeImage, .judgeUnavailable, .budgetExhausted,
    ]

    /// Parses a code; nil when it is not one (or names an empty file).
    public init?(code: String) {
        if let found = Self.plain.first(where: { $0.code == code }) {
            self = found
            return
        }
        for (prefix, make) in [("duplicate_of:", QAReason.duplicateOf), ("mirror_of:", QAReason.mirrorOf)] where code.hasPrefix(prefix) {
            let file = String(code.dropFirst(prefix.count))
            guard !file.isEmpty else { return nil }
            self = make(file)
            return
        }
        return nil
    }

    /// The code.
    public var description: String { code }

    /// Reads a code; an unknown one is an error.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let code = try container.decode(String.self)
        guard let reason = QAReason(code: code) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a QA reason code: \(code)")
        }
        self = reason
    }

    /// Writes the code.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}
