import RefkitCore
import Testing

/// "an old man", not "a old man": the article before a free-text attribute follows the sound.
@Suite("English indefinite article")
struct EnglishArticleTests {
    @Test(arguments: [
        ("old man", "an"), ("elderly woman", "an"), ("adult", "an"), ("ice mage", "an"), ("umbrella seller", "an"),
        ("Orc", "an"), ("hour", "an"), ("honest knight", "an"), ("heir", "an"),
        ("young woman", "a"), ("teenage boy", "a"), ("unicorn", "a"), ("European merchant", "a"), ("one-eyed pirate", "a"),
        ("user", "a"), ("house", "a"), ("", "a"), ("  ", "a"),
        ("8-year-old girl", "an"), ("11-year-old", "an"), ("18 year old", "an"), ("80-year-old", "an"), ("800", "an"),
        ("11000", "an"), ("1-year-old", "a"), ("110", "a"), ("180", "a"), ("7-year-old", "a"), ("\"old\" man", "an"),
    ])
    func article(phrase: String, expected: String) {
        #expect(EnglishArticle.indefinite(for: phrase) == expected, "\(phrase)")
    }

    @Test func promptsUseIt() {
        var elder = Order.Character()
        elder.attributes = [(key: "age", value: "old"), (key: "gender", value: "man")]
        #expect(Prompts.describe(elder) == "an old man")
        elder.attributes = [(key: "age", value: "young"), (key: "gender", value: "woman")]
        #expect(Prompts.describe(elder) == "a young woman")
    }
}
