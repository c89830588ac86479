import RefkitCore

/// The answer as the manifest keeps it: the rubric's own keys, in the rubric's order.
extension JudgeAnswer: Codable {
    /// The answer as a JSON object, rubric keys in rubric order.
    public var jsonValue: JSONValue {
        func strings(_ list: [String]) -> JSONValue { .array(list.map(JSONValue.string)) }
        let members: [(Field, JSONValue)] = [
            (.imageOk, .bool(imageOk)),
            (.containsText, .bool(containsText)),
            (.identityEvidence, strings(identityEvidence)),
            (.identityDifferences, strings(identityDifferences)),
            (.sameCharacter, .string(sameCharacter.rawValue)),
            (.identityScore, .integer(identityScore)),
            (.observedView, .string(observedView.rawValue)),
            (.faceVisible, .bool(faceVisible)),
            (.isMirrorOfReference, .bool(isMirrorOfReference)),
            (.backIsTrueRotation, backIsTrueRotation.map(JSONValue.bool) ?? .null),
            (.outfitMatches, .integer(outfitMatches)),
            (.expression, expression.map(JSONValue.string) ?? .null),
        ]
        return .object(members.map { ($0.0.rawValue, $0.1) })
    }

    /// Writes `jsonValue`.
    public func encode(to encoder: Encoder) throws { try EncodableJSON(jsonValue).encode(to: encoder) }

    /// Reads a recorded answer back (a manifest written by refkit); the model's own text goes
    /// through the strict `parse` instead.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Field.self)
        self.init(
            imageOk: try c.decode(Bool.self, forKey: .imageOk), containsText: try c.decode(Bool.self, forKey: .containsText),
            identityEvidence: try c.decode([String].self, forKey: .identityEvidence),
            identityDifferences: try c.decode([String].self, forKey: .identityDifferences),
            sameCharacter: try c.decode(SameCharacter.self, forKey: .sameCharacter),
            identityScore: try c.decode(Int.self, forKey: .identityScore),
            observedView: try c.decode(ObservedView.self, forKey: .observedView),
            faceVisible: try c.decode(Bool.self, forKey: .faceVisible),
            isMirrorOfReference: try c.decode(Bool.self, forKey: .isMirrorOfReference),
            backIsTrueRotation: try c.decodeIfPresent(Bool.self, forKey: .backIsTrueRotation),
            outfitMatches: try c.decode(Int.self, forKey: .outfitMatches),
            expression: try c.decodeIfPresent(String.self, forKey: .expression))
    }
}

extension JudgeAnswer.Field: CodingKey {}
