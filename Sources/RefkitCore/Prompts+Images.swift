import Foundation

// Issue 17, item 2: the prompt of an image made from a kit is the user's, wrapped only with what
// keeps the identity. The outfit is kept only when asked: "wearing a red dress at sunset" must
// not be contradicted by "same outfit", as every view's prompt says.

extension Prompts {
    /// What keeps the character recognisable, outfit left out.
    static let identityOnly =
        "same face and facial features, same hair colour and hairstyle, same eye colour, same skin tone, same body proportions and "
        + "art style"

    /// The prompt of one made image: the user's words first, then who the character is (its
    /// attributes, the outfit only with `keep_outfit`) and the identity wording.
    public static func madeImage(_ request: Order.ImageRequest, character: CharacterFacts) -> String {
        var facts = character
        if !request.keepOutfit { facts.attributes.removeAll { $0.key == "outfit" } }
        var words = request.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        if let last = words.last, !".!?".contains(last) { words += "." }
        let subject = describe(facts)
        let who =
            subject == describe(CharacterFacts())
            ? "Keep the character exactly as in the reference images: \(identityOnly)."
            : "The character is \(subject); keep them exactly as in the reference images: \(identityOnly)."
        let outfit =
            request.keepOutfit
            ? "Keep the same outfit and accessories as in the reference images."
            : "Clothing as this prompt describes it (it may differ from the reference images)."
        return "\(words) \(who) \(outfit)"
    }

    /// `prompt` followed by the style sentence of `templates` (`prompt_style`, `prompts.style`),
    /// as every stage's prompt is: a studio's "natural daylight, photorealistic" holds for the
    /// images made from its kits too.
    public static func withStyle(_ prompt: String, character: CharacterFacts, templates: PromptTemplates?) -> String {
        styled(prompt, templates: templates, values: ["subject": describe(character), "identity": identity, "background": background])
    }
}
