import Foundation
import RefkitCore
import RefkitHTTP

/// What the analyzer saw in a source: the character's attributes (known keys, in the order of
/// `Analyzer.attributeKeys`), a short description and a content rating.
public struct AnalyzedCharacter: Sendable {
    public var attributes: [(key: String, value: String)]
    public var description: String?
    /// One of `G`, `PG`, `PG-13`, `R`, `X`; nil when the model gave none or another value.
    public var contentRating: String?

    public init(attributes: [(key: String, value: String)] = [], description: String? = nil, contentRating: String? = nil) {
        self.attributes = attributes
        self.description = description
        self.contentRating = contentRating
    }

    /// The value of one attribute.
    public subscript(key: String) -> String? { attributes.first { $0.key == key }?.value }
}

/// Describes a source image with an OpenAI-compatible vision chat model (OpenAI, GLM-4.5V,
/// any `/chat/completions` server): one `POST {base_url}/chat/completions` with the image as a
/// `data:` URL, JSON mode, and a tolerant reading of the answer (code fences, wrapper tokens
/// and prose around the JSON object are skipped).
///
/// Errors: `ProviderError+HTTP`'s codes (429 and 5xx retryable with `Retry-After`; 401/403
/// `provider_auth_failed`, final), `provider_bad_response` (the answer or its content is not the
/// JSON asked for; retryable, a model's next answer usually parses), `provider_safety_block`
/// (a refusal or `finish_reason: content_filter`; final), `provider_not_configured` (no key).
/// The API key never appears in an error.
public struct Analyzer: Sendable {
    /// The attributes asked for, in the order they are returned.
    public static let attributeKeys = ["gender", "species", "age", "hair_color", "hair_style", "eye_color", "outfit"]
    public static let contentRatings = ["G", "PG", "PG-13", "R", "X"]
    /// Longest attribute value or description kept (they end up in prompts).
    public static let maxValueLength = 200

    static let name = "analyzer"

    public let baseURL: String
    public let model: String
    let apiKey: String?
    let http: HTTPClient
    let timeout: Duration

    public init(baseURL: String, model: String, apiKey: String?, http: HTTPClient, timeout: Duration = .seconds(60)) {
        self.baseURL = ProviderHTTP.trimmedBase(baseURL)
        self.model = model
        self.apiKey = apiKey
        self.http = http
        self.timeout = timeout
    }

    static let systemPrompt = """
        You describe the main character in a reference image for an illustrator who will draw the same character again. \
        Answer with one JSON object and nothing else, with these string fields: \
        "gender", "species" (human, elf, cat, robot, …), "age" (an apparent age or age group), "hair_color", "hair_style", \
        "eye_color", "outfit" (the visible clothing, briefly), "description" (one sentence under 200 characters about the \
        character's look, no names), "content_rating" (one of "G", "PG", "PG-13", "R", "X" for the image as a whole). \
        Use an empty string for anything you cannot see. Do not guess identities.
        """

    static let userPrompt = "Describe the character in this image as the JSON object specified."

    /// Asks the model about `image` and reads its answer.
    public func analyze(image: ReferenceImage) async throws(ProviderError) -> AnalyzedCharacter {
        try await analyze(images: [image])
    }

    /// Asks the model about one character shown in `images` (a kit's sources, the primary first:
    /// issue 17 item 1), all in one request, so it reads them together.
    public func analyze(images: [ReferenceImage]) async throws(ProviderError) -> AnalyzedCharacter {
        do {
            return try await request(images)
        } catch {
            throw error.redacted(secret: apiKey)
        }
    }

    /// The user text for `count` images of one character.
    static func userPrompt(images count: Int) -> String {
        count <= 1
            ? userPrompt
            : "These \(count) images all show the same character. Describe that character as the JSON object specified, "
                + "reading every image together."
    }

    static let choosePrompt = """
        The first image is the source picture of a character. The images after it are numbered avatar candidates, \
        1 to N in the order given. Answer with a JSON object {"best": N, "reason": "..."}: the candidate that best keeps \
        the source character's identity (face, hair, colours, outfit) in a clean head-and-shoulders avatar, and one \
        sentence under 160 characters saying why.
        """

    /// Asks the model which avatar candidate best matches the source: (0-based index, reason).
    public func chooseCandidate(
        source: ReferenceImage, candidates: [ReferenceImage]
    ) async throws(ProviderError) -> (index: Int, reason: String) {
        do throws(ProviderError) {
            let object = try await chat(
                system: Self.choosePrompt, text: "Source first, then \(candidates.count) candidates.", images: [source] + candidates)
            let best = object.first { $0.key == "best" }?.value
            guard let n = best?.intValue ?? best?.stringValue.flatMap({ Int($0) }), (1...candidates.count).contains(n) else {
                throw ProviderError.badResponse(provider: Self.name, "did not name a candidate between 1 and \(candidates.count)")
            }
            let reason = object.first { $0.key == "reason" }?.value.stringValue ?? ""
            return (n - 1, String(reason.prefix(300)))
        } catch {
            throw error.redacted(secret: apiKey)
        }
    }

    private func request(_ images: [ReferenceImage]) async throws(ProviderError) -> AnalyzedCharacter {
        Self.character(from: try await chat(system: Self.systemPrompt, text: Self.userPrompt(images: images.count), images: images))
    }

    /// One chat completion with images (`ChatCompletion`), answered by a JSON object found tolerantly.
    private func chat(
        system: String, text: String, images: [ReferenceImage]
    ) async throws(ProviderError) -> [(key: String, value: JSONValue)] {
        let completion = ChatCompletion(provider: Self.name, baseURL: baseURL, model: model, apiKey: apiKey, http: http, timeout: timeout)
        let answer = try await completion.send(system: system, text: text, images: images)
        guard let object = Self.jsonObject(in: answer.content) else {
            var error = ProviderError.badResponse(provider: Self.name, "is not the JSON object asked for")
            error.detail =
                (answer.finishReason == "length" ? "finish_reason length (cut off); " : "") + "content: "
                + LogRedaction.quote(Array(answer.content.utf8))
            throw error
        }
        return object
    }

    /// The JSON object in a model's answer: the whole text, or inside a ``` fence, or from the
    /// first `{` to the last `}` (models wrap JSON in prose or tokens such as `<|begin_of_box|>`).
    static func jsonObject(in content: String) -> [(key: String, value: JSONValue)]? {
        var candidates = [content.trimmingCharacters(in: .whitespacesAndNewlines)]
        if let open = content.range(of: "```") {
            var inner = content[open.upperBound...]
            if let newline = inner.firstIndex(of: "\n") { inner = inner[inner.index(after: newline)...] }  // ```json
            if let close = inner.range(of: "```") { inner = inner[..<close.lowerBound] }
            candidates.append(String(inner))
        }
        if let first = content.firstIndex(of: "{"), let last = content.lastIndex(of: "}"), first < last {
            candidates.append(String(content[first...last]))
        }
        for candidate in candidates {
            if case .object(let members)? = try? JSONValue.parse(candidate) { return members }
        }
        return nil
    }

    /// Known fields only, tidied: trimmed, single-line, at most `maxValueLength` characters;
    /// empty and "unknown"-like values dropped.
    static func character(from object: [(key: String, value: JSONValue)]) -> AnalyzedCharacter {
        var fields: [String: String] = [:]
        for (key, value) in object {
            let normalised = key.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
                .replacingOccurrences(of: "colour", with: "color")
            guard fields[normalised] == nil, let text = tidy(value) else { continue }
            fields[normalised] = text
        }
        let attributes = attributeKeys.compactMap { key in fields[key].map { (key: key, value: $0) } }
        let rating = fields["content_rating"].flatMap { given in
            contentRatings.first { $0 == given.uppercased().replacingOccurrences(of: " ", with: "") }
        }
        return AnalyzedCharacter(attributes: attributes, description: fields["description"], contentRating: rating)
    }

    static let placeholders: Set<String> = [
        "unknown", "n/a", "na", "none", "null", "not visible", "not applicable", "unspecified", "-", "?",
    ]

    static func tidy(_ value: JSONValue) -> String? {
        let raw: String
        switch value {
        case .string(let s): raw = s
        case .number(let d, let isInteger): raw = isInteger ? String(Int64(d)) : String(d)
        case .array(let items): raw = items.compactMap(\.stringValue).joined(separator: ", ")
        default: return nil
        }
        let single = raw.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
            .unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.map(String.init).joined()
        let trimmed = single.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !placeholders.contains(trimmed.lowercased()) else { return nil }
        guard trimmed.count > maxValueLength else { return trimmed }
        return String(trimmed.prefix(maxValueLength)).trimmingCharacters(in: .whitespaces)
    }
}
