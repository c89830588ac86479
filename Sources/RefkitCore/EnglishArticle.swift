/// "a" or "an" before a phrase, by how its first word sounds, not how it is spelt: prompts read
/// "an old man", "an 18-year-old", "an hour", but "a young woman", "a unicorn", "a one-eyed
/// pirate", "a European". An order's attributes are free text, so this is a rule of thumb with the
/// common exceptions, not a dictionary.
public enum EnglishArticle {
    /// Words spelt with a vowel that start with a consonant sound (`yoo`, `w`).
    static let consonantSoundPrefixes = ["uni", "use", "usu", "ura", "uro", "uti", "eu", "ewe", "one", "once", "ubiq", "uku"]
    /// Words spelt with an `h` that is not said.
    static let silentH = ["honest", "honor", "honour", "hour", "heir", "herb"]

    /// `"a"` or `"an"` for `phrase` (nil or empty: `"a"`).
    public static func indefinite(for phrase: String) -> String {
        let word = phrase.drop { !$0.isLetter && !$0.isNumber }.prefix { $0.isLetter || $0.isNumber }.lowercased()
        guard let first = word.first else { return "a" }
        if first.isNumber { return startsWithVowelSoundNumber(word) ? "an" : "a" }
        if silentH.contains(where: { word.hasPrefix($0) }) { return "an" }
        guard "aeiou".contains(first) else { return "a" }
        return consonantSoundPrefixes.contains(where: { word.hasPrefix($0) }) ? "a" : "an"
    }

    /// `phrase` after its article: `"an old man"`.
    public static func withIndefinite(_ phrase: String) -> String { "\(indefinite(for: phrase)) \(phrase)" }

    /// Numbers said with a vowel first: 8, 11, 18, 80-89, 800-899, 8000... ("an 8-year-old", "an 11-year-old").
    static func startsWithVowelSoundNumber(_ word: String) -> Bool {
        let digits = word.prefix { $0.isNumber }
        if digits.hasPrefix("8") { return true }
        // 11 and 18 are "eleven" and "eighteen" alone and as the lead of 11,000 or 18,000 (not 110 or 180).
        return (digits == "11" || digits == "18") || ((digits.hasPrefix("11") || digits.hasPrefix("18")) && digits.count % 3 == 2)
    }
}
