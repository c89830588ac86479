import RefkitCore

extension ManifestDocument {
    /// The manifest as `refkit.manifest/1` JSON. Every key is always present (null when unknown),
    /// in a fixed order, so readers and diffs see a stable shape.
    public var jsonValue: JSONValue {
        .object([
            ("schema", .string(Self.schema)),
            ("id", .string(id)),
            ("kit", .string(kit)),
            ("status", .string(status.rawValue)),
            ("created_at", .string(createdAt)),
            ("updated_at", .string(updatedAt)),
            ("refkit_version", .string(refkitVersion)),
            ("source", source?.jsonValue ?? .null),
            ("sources", .array(sources.map(\.jsonValue))),
            ("content_rating", .optional(contentRating?.name)),
            ("character", character.jsonValue),
            ("locked_reference", lockedReference?.jsonValue ?? .null),
            ("conditioning", .optional(conditioning)),
            ("stages", .array(stages.map(\.jsonValue))),
            ("candidates", .array(candidates.map(\.jsonValue))),
            ("totals", totals.jsonValue),
            ("qa", qa ?? .null),
        ])
    }
}

extension ManifestSource {
    public var jsonValue: JSONValue {
        .object([
            ("original_name", .string(originalName)),
            ("file", .string(file)),
            ("sha256", .optional(sha256)),
            ("mime", .string(mime)),
            ("width", .integer(width)),
            ("height", .integer(height)),
            ("provenance", provenance ?? .null),
        ])
    }
}

extension ManifestCharacter {
    /// Attributes become an object keyed by attribute name (`attributes.hair_color.value`).
    public var jsonValue: JSONValue {
        var seen = Set<String>()
        var attributeMembers: [(key: String, value: JSONValue)] = []
        for attribute in attributes where seen.insert(attribute.key).inserted {
            attributeMembers.append(
                (attribute.key, .object([("value", .string(attribute.value)), ("origin", .string(attribute.origin.rawValue))])))
        }
        return .object([
            ("name", .optional(name)),
            ("description", .optional(description)),
            ("attributes", .object(attributeMembers)),
        ])
    }
}

extension LockedReference {
    public var jsonValue: JSONValue { .object([("file", .string(file)), ("how", .string(how)), ("generation", .integer(generation))]) }
}

extension ManifestTotals {
    public var jsonValue: JSONValue { .object([("cost_usd", .usd(costUSD)), ("duration_ms", .integer(durationMs))]) }
}

extension ManifestImage {
    public var jsonValue: JSONValue {
        .object([
            ("stage", .string(stage)),
            ("status", .string(status.rawValue)),
            ("file", .optional(file)),
            ("sha256", .optional(sha256)),
            ("mime", .optional(mime)),
            ("width", .optional(width)),
            ("height", .optional(height)),
            ("provider", .optional(provider)),
            ("model", .optional(model)),
            ("prompt", .optional(prompt)),
            ("negative_prompt", .optional(negativePrompt)),
            ("seed", .seed(seed)),
            ("attempts", .integer(attempts)),
            ("duration_ms", .integer(durationMs)),
            ("cost_usd", .usd(costUSD)),
            ("error", error.map { .object([("code", .string($0.code)), ("message", .string($0.message))]) } ?? .null),
            ("previous", previous.map { .object([("file", .string($0.file)), ("sha256", .optional($0.sha256))]) } ?? .null),
            ("history", .array(history.map(\.jsonValue))),
            ("image_request", imageRequest?.jsonValue ?? .null),
            ("reference_generation", .optional(referenceGeneration)),
            ("made_from_earlier_reference", .bool(madeFromEarlierReference)),
            ("qa", qa?.json ?? .null),
            ("inputs", inputs ?? .null),
        ])
    }
}

extension ManifestImage.HistoryEntry {
    public var jsonValue: JSONValue {
        .object([
            ("generation", .integer(generation)),
            ("status", .string(status.rawValue)),
            ("sha256", .optional(sha256)),
            ("provider", .optional(provider)),
            ("model", .optional(model)),
            ("seed", .seed(seed)),
            ("attempts", .integer(attempts)),
            ("cost_usd", .usd(costUSD)),
            ("error", error.map { .object([("code", .string($0.code)), ("message", .string($0.message))]) } ?? .null),
            ("ended_at", .string(endedAt)),
            ("replaced_at", .string(replacedAt)),
        ])
    }
}
