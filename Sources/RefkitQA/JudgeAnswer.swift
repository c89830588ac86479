import RefkitCore

/// The judge's answer to the rubric, parsed strictly: one JSON object and nothing around it,
/// every field present with its type and allowed values, no field the rubric did not ask for.
/// Anything else is a `JudgeAnswerError`, which the stage records as `judge_unavailable` (a
/// judge that broke the rubric has not judged).
public struct JudgeAnswer: Sendable, Equatable {
    /// The rubric's `same_character`.
    public enum SameCharacter: String, Sendable, CaseIterable, Codable {
        case yes, no, unsure
    }

    /// False: blank, placeholder, text or UI, collage, cropped off, broken anatomy.
    public var imageOk: Bool
    /// Any lettering, caption or watermark.
    public var containsText: Bool
    /// Features that match the reference (asked before the verdicts).
    public var identityEvidence: [String]
    /// Features that differ from the reference.
    public var identityDifferences: [String]
    /// Whether this is the reference's character.
    public var sameCharacter: SameCharacter
    /// 0...4, anchors in `JudgeRubric`.
    public var identityScore: Int
    /// The view the judge sees.
    public var observedView: ObservedView
    /// Whether any part of the face can be seen.
    public var faceVisible: Bool
    /// Accessories, parting or asymmetric marks on the wrong side.
    public var isMirrorOfReference: Bool
    /// Back views only; null otherwise.
    public var backIsTrueRotation: Bool?
    /// 0...4.
    public var outfitMatches: Int
    /// Expression views only; null otherwise.
    public var expression: String?

    /// The rubric's keys, in the order the judge is asked to write them.
    public enum Field: String, Sendable, CaseIterable {
        case imageOk = "image_ok"
        case containsText = "contains_text"
        case identityEvidence = "identity_evidence"
        case identityDifferences = "identity_differences"
        case sameCharacter = "same_character"
        case identityScore = "identity_score"
        case observedView = "observed_view"
        case faceVisible = "face_visible"
        case isMirrorOfReference = "is_mirror_of_reference"
        case backIsTrueRotation = "back_is_true_rotation"
        case outfitMatches = "outfit_matches"
        case expression
    }

    /// An answer from its fields (tests, and answers read back).
    public init(
        imageOk: Bool, containsText: Bool, identityEvidence: [String], identityDifferences: [String], sameCharacter: SameCharacter,
        identityScore: Int, observedView: ObservedView, faceVisible: Bool, isMirrorOfReference: Bool, backIsTrueRotation: Bool?,
        outfitMatches: Int, expression: String?
    ) {
        self.imageOk = imageOk
        self.containsText = containsText
        self.identityEvidence = identityEvidence
        self.identityDifferences = identityDifferences
        self.sameCharacter = sameCharacter
        self.identityScore = identityScore
        self.observedView = observedView
        self.faceVisible = faceVisible
        self.isMirrorOfReference = isMirrorOfReference
        self.backIsTrueRotation = backIsTrueRotation
        self.outfitMatches = outfitMatches
        self.expression = expression
    }

    /// Parses the model's text. Whitespace around the object is allowed; anything else is not.
    public static func parse(_ text: String) throws(JudgeAnswerError) -> JudgeAnswer {
        let trimmed = text.trimmingWhitespace
        let excerpt = String(trimmed.prefix(80))
        guard trimmed.first == "{" else { throw trimmed.contains("{") ? .proseAroundJSON(excerpt: excerpt) : .notJSON(excerpt) }
        let json: JSONValue
        do {
            json = try JSONValue.parse(trimmed)
        } catch {
            // An object that parses once the words after it are cut had prose appended; else
            // the object itself is broken (cut short, a duplicate key).
            if trimmed.last != "}", let end = trimmed.lastIndex(of: "}"), (try? JSONValue.parse(String(trimmed[...end]))) != nil {
                throw .proseAroundJSON(excerpt: excerpt)
            }
            throw .notJSON(error.description)
        }
        guard case .object(let members) = json else { throw .notJSON("not an object") }
        let known = Set(Field.allCases.map(\.rawValue))
        if let extra = members.first(where: { !known.contains($0.key) }) { throw .unexpectedField(extra.key) }
        let reader = FieldReader(members: members)
        return JudgeAnswer(
            imageOk: try reader.bool(.imageOk), containsText: try reader.bool(.containsText),
            identityEvidence: try reader.strings(.identityEvidence), identityDifferences: try reader.strings(.identityDifferences),
            sameCharacter: try reader.choice(.sameCharacter, SameCharacter.self),
            identityScore: try reader.integer(.identityScore, in: 0...4),
            observedView: try reader.choice(.observedView, ObservedView.self),
            faceVisible: try reader.bool(.faceVisible), isMirrorOfReference: try reader.bool(.isMirrorOfReference),
            backIsTrueRotation: try reader.optionalBool(.backIsTrueRotation),
            outfitMatches: try reader.integer(.outfitMatches, in: 0...4), expression: try reader.optionalString(.expression))
    }
}

/// Typed, strict reads of the rubric's fields.
private struct FieldReader {
    let members: [(key: String, value: JSONValue)]

    func value(_ field: JudgeAnswer.Field) throws(JudgeAnswerError) -> JSONValue {
        guard let found = members.first(where: { $0.key == field.rawValue }) else { throw .missingField(field.rawValue) }
        return found.value
    }

    func bool(_ field: JudgeAnswer.Field) throws(JudgeAnswerError) -> Bool {
        let found = try value(field)
        guard case .bool(let b) = found else { throw .wrongType(field: field.rawValue, expected: "boolean", found: found.typeName) }
        return b
    }

    func optionalBool(_ field: JudgeAnswer.Field) throws(JudgeAnswerError) -> Bool? {
        let found = try value(field)
        if found == .null { return nil }
        guard case .bool(let b) = found else {
            throw .wrongType(field: field.rawValue, expected: "boolean or null", found: found.typeName)
        }
        return b
    }

    func optionalString(_ field: JudgeAnswer.Field) throws(JudgeAnswerError) -> String? {
        let found = try value(field)
        if found == .null { return nil }
        guard case .string(let s) = found else {
            throw .wrongType(field: field.rawValue, expected: "string or null", found: found.typeName)
        }
        return s
    }

    func strings(_ field: JudgeAnswer.Field) throws(JudgeAnswerError) -> [String] {
        let found = try value(field)
        guard case .array(let items) = found else { throw .wrongType(field: field.rawValue, expected: "array", found: found.typeName) }
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item else {
                throw .wrongType(field: field.rawValue, expected: "array of strings", found: "array holding \(item.typeName)")
            }
            out.append(s)
        }
        return out
    }

    func integer(_ field: JudgeAnswer.Field, in range: ClosedRange<Int>) throws(JudgeAnswerError) -> Int {
        let found = try value(field)
        // An integer literal only: 3.0 or "3" is not what the schema asked for.
        guard case .number(let d, isInteger: true) = found, let i = Int(exactly: d) else {
            throw .wrongType(field: field.rawValue, expected: "integer", found: found.typeName)
        }
        guard range.contains(i) else { throw .outOfRange(field: field.rawValue, value: i, range: range) }
        return i
    }

    func choice<T: RawRepresentable & CaseIterable>(_ field: JudgeAnswer.Field, _ type: T.Type) throws(JudgeAnswerError) -> T
    where T.RawValue == String {
        let found = try value(field)
        guard case .string(let s) = found else { throw .wrongType(field: field.rawValue, expected: "string", found: found.typeName) }
        guard let chosen = T(rawValue: s) else {
            throw .unknownValue(field: field.rawValue, value: s, allowed: T.allCases.map(\.rawValue))
        }
        return chosen
    }
}

/// Why the judge's text is not an answer to the rubric.
public enum JudgeAnswerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a JSON object at all (or a syntax error, with its position).
    case notJSON(String)
    /// A JSON object with words or a code fence around it.
    case proseAroundJSON(excerpt: String)
    case missingField(String)
    case unexpectedField(String)
    case wrongType(field: String, expected: String, found: String)
    /// A string outside the rubric's set (`same_character: "maybe"`).
    case unknownValue(field: String, value: String, allowed: [String])
    case outOfRange(field: String, value: Int, range: ClosedRange<Int>)

    /// A stable code for logs and metrics.
    public var code: String {
        switch self {
        case .notJSON: "judge_not_json"
        case .proseAroundJSON: "judge_prose_around_json"
        case .missingField: "judge_missing_field"
        case .unexpectedField: "judge_unexpected_field"
        case .wrongType: "judge_wrong_type"
        case .unknownValue: "judge_unknown_value"
        case .outOfRange: "judge_out_of_range"
        }
    }

    /// What is wrong, naming the field.
    public var description: String {
        switch self {
        case .notJSON(let why): "\(code): the answer is not a JSON object (\(why))"
        case .proseAroundJSON(let excerpt): "\(code): the JSON object has text around it (\"\(excerpt)\")"
        case .missingField(let name): "\(code): \(name) is missing"
        case .unexpectedField(let name): "\(code): \(name) is not a rubric field"
        case .wrongType(let field, let expected, let found): "\(code): \(field) must be \(expected), not \(found)"
        case .unknownValue(let field, let value, let allowed):
            "\(code): \(field) is \"\(value)\", not one of \(allowed.joined(separator: ", "))"
        case .outOfRange(let field, let value, let range):
            "\(code): \(field) is \(value), outside \(range.lowerBound)...\(range.upperBound)"
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
