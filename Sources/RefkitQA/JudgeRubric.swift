import RefkitCore

/// The words the vision judge is given (QA-research.md §3.3): a fixed system text, and per view
/// a user text that follows the two images (the locked reference first, then the candidate).
/// Concrete yes/no questions, evidence before verdicts, one JSON object out.
public enum JudgeRubric {
    /// The system text, the same for every call (so answers are comparable across views).
    public static let system = """
        You check one image of a character reference sheet against the character's locked reference image. \
        Answer only from what is visible. Be strict.
        """

    /// The user text for `stage`; the request sends it after the two images, the reference first
    /// unless `candidateFirst` (the second ask of §3.3 swaps them to expose an order bias).
    public static func userText(for stage: Stage, candidateFirst: Bool = false) -> String {
        let expectation = ViewExpectation.of(stage)
        let order = (
            plain: "The first image is the locked reference; the second is the candidate.",
            swapped: "The first image is the candidate; the second is the locked reference."
        )
        let views = ObservedView.allCases.map(\.rawValue).joined(separator: " | ")
        let backOnly =
            stage == .back
            ? "back_is_true_rotation: true when this is the back of the head and body (front-mounted items hidden), "
                + "false when it looks like a front view mirrored or redrawn."
            : "back_is_true_rotation: null (this is not a back view)."
        let expression: String
        if case .expression(let name) = stage {
            expression = "expression: the facial expression you see, in one or two words (asked for: \(name.replacingUnderscores))."
        } else {
            expression = "expression: null."
        }
        return """
            \(candidateFirst ? order.swapped : order.plain) The candidate is for: \(expectation.spec).
            Fill in every field of one JSON object and write nothing else: no prose, no code fence.
            Write the evidence lists before deciding the verdict fields.
            image_ok: false if the candidate is blank, a placeholder, text or a user interface, a collage, cropped off, \
            or has broken anatomy.
            contains_text: true if any lettering, caption or watermark is visible.
            identity_evidence: features that match the reference (list of short strings).
            identity_differences: features that differ from the reference (list of short strings).
            same_character: "yes", "no" or "unsure".
            identity_score: an integer 0 to 4. 4 = clearly the same character, no visible change; 3 = same, minor drift \
            (lighting, small accessory); 2 = recognisable but a notable feature changed (hair colour, face shape, eye colour); \
            1 = a different person with some shared traits; 0 = unrelated.
            observed_view: one of \(views).
            face_visible: true if any part of the face (eyes, nose, mouth) can be seen.
            is_mirror_of_reference: true if accessories, hair parting or asymmetric marks are on the wrong side, as in a \
            mirror image.
            \(backOnly)
            outfit_matches: an integer 0 to 4, as identity_score but for the outfit.
            \(expression)
            Keys: \(JudgeAnswer.Field.allCases.map(\.rawValue).joined(separator: ", ")).
            """
    }
}
