import Foundation

/// The stage prompts, in one place. Every prompt carries identity-preservation wording and the
/// character's attributes; each is recorded per stage in the manifest.
public enum Prompts {
    /// What the prompts know of the character: an order's `character` (or one of a plan's `characters`).
    public typealias CharacterFacts = Order.Character

    static let identity =
        "Keep the exact same character: same face and facial features, same hair colour and hairstyle, same eye colour, same skin tone, "
        + "same outfit and accessories, same body proportions and art style."
    static let background = "Plain neutral light-grey studio background, even soft lighting, no text, no watermark, no other people."

    /// The prompt for one stage of a kit.
    public static func prompt(for stage: Stage, character: CharacterFacts, scene: String? = nil) -> String {
        let subject = describe(character)
        let view: String
        switch stage {
        case .avatar, .candidate:
            view = "A head-and-shoulders portrait avatar of \(subject), facing the camera, centred, square framing."
        case .referenceAvatar:
            view =
                "A clean reference headshot of \(subject): front-facing, neutral expression, eyes open, whole head and hair visible, "
                + "square framing."
        case .front:
            view =
                "A full-body front view of \(subject), standing in a relaxed neutral pose, arms slightly away from the body, whole "
                + "figure from head to feet in frame."
        case .side:
            view =
                "A full-body side view (left profile, 90 degrees) of \(subject), standing straight, whole figure from head to feet in "
                + "frame."
        case .back:
            view =
                "A full-body back view of \(subject), seen from directly behind, standing straight, whole figure from head to feet in "
                + "frame, showing the back of the hair and outfit."
        case .profile:
            view = "A three-quarter view portrait of \(subject), head and shoulders turned about 45 degrees from the camera."
        case .halfBody:
            view = "A half-body portrait of \(subject) from the waist up, facing the camera, hands visible."
        case .fullBody:
            view = "A full-body portrait of \(subject), standing, facing the camera, whole figure from head to feet in frame."
        case .expression(let name):
            // "a clear smile expression", never "a clearly smile": the names are nouns and adjectives alike.
            view =
                "A head-and-shoulders portrait of \(subject) with a clear \(name.replacingOccurrences(of: "_", with: " ")) facial "
                + "expression, facing the camera."
        case .scene(let id):
            let what = scene.flatMap { $0.isEmpty ? nil : $0 } ?? id.replacingOccurrences(of: "_", with: " ")
            return
                "\(subject.prefix(1).uppercased() + subject.dropFirst()) in this scene: \(what). \(identity) Natural composition, the "
                + "character clearly recognisable."
        case .swap:
            return
                "Face swap: in the first image, replace the face of the main person with the face of the character in the reference "
                + "image (\(subject)). Keep the first image's pose, body, clothing, lighting, background and every other person "
                + "exactly as they are; match skin tone and lighting so the result looks natural."
        case .image(let id, _):
            // Made images are asked with their order's entry (StageRequest); `scene` stands for its words here.
            let words = scene.flatMap { $0.isEmpty ? nil : $0 } ?? id.replacingOccurrences(of: "_", with: " ")
            return madeImage(Order.ImageRequest(id: id, prompt: words), character: character)
        case .character:
            return "A character reference portrait of \(subject): front-facing, head to mid-torso, clear lighting. \(background)"
        }
        return "\(view) \(identity) \(background)"
    }

    /// "the character" with its attributes folded in: `Mira, a young adult woman (human) with long auburn wavy hair,
    /// green eyes, wearing a denim jacket — a cheerful courier`.
    public static func describe(_ c: CharacterFacts) -> String {
        var attrs: [String: String] = [:]
        var free: [String] = []
        for (key, value) in c.attributes where !value.isEmpty {
            if OrderValidator.knownAttributes.contains(key) {
                attrs[key] = value
            } else {
                free.append("\(key.replacingOccurrences(of: "_", with: " ")): \(value)")
            }
        }
        var who = c.name.map { "\($0), " } ?? ""
        let kind = [attrs["age"].map(ageWords), attrs["gender"]].compactMap { $0 }.joined(separator: " ")
        who += kind.isEmpty ? "the character" : EnglishArticle.withIndefinite(kind)
        if let species = attrs["species"] { who += " (\(species))" }
        var with: [String] = []
        let hair = [attrs["hair_style"], attrs["hair_color"]].compactMap { $0 }.joined(separator: " ")
        if !hair.isEmpty { with.append("\(hair) hair") }
        if let eyes = attrs["eye_color"] { with.append("\(eyes) eyes") }
        if !with.isEmpty { who += " with " + with.joined(separator: " and ") }
        if let outfit = attrs["outfit"] { who += ", wearing \(outfit)" }
        if !free.isEmpty { who += " (\(free.joined(separator: "; ")))" }
        if let d = c.description, !d.isEmpty { who += " — \(d)" }
        return who
    }

    /// An age as it reads before a noun: a bare number is "30-year-old" ("a 30 woman" is not English).
    static func ageWords(_ age: String) -> String {
        let trimmed = age.trimmingCharacters(in: .whitespaces)
        return !trimmed.isEmpty && trimmed.allSatisfy(\.isNumber) ? "\(trimmed)-year-old" : age
    }
}
