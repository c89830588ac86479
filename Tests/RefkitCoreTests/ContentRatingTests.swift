import RefkitCore
import Testing

/// The one content-rating scale (issue 17 item 6) as values: names, order, the kit's rating
/// from the analyzer or the order, and a watch's refusal.
@Suite("Content rating: parse, compare, refuse")
struct ContentRatingTests {
    @Test("names and film ratings parse case-insensitively onto None < Soft < Mature < X")
    func parse() {
        let cases: [(String, ContentRating?)] = [
            ("None", ContentRating.none), ("none", ContentRating.none), ("SOFT", .soft), ("mature", .mature), ("x", .x),
            ("G", ContentRating.none),
            ("pg", ContentRating.none), ("PG-13", .soft), ("pg 13", .soft), ("PG13", .soft), ("R", .mature), ("XXX", .x),
            ("Blocked", nil), ("", nil), ("NC-17", nil),
        ]
        for (name, expected) in cases {
            #expect(ContentRating(name: name) == expected, "\(name)")
        }
        #expect(ContentRating.allCases.sorted() == [ContentRating.none, .soft, .mature, .x])
        #expect(ContentRating.soft < .mature && !(ContentRating.x < .mature))
        #expect(ContentRating.names == ["None", "Soft", "Mature", "X"])
        #expect(ContentRating.allCases.allSatisfy { ContentRating(name: $0.name) == $0 }, "names read back")
    }

    @Test("the analyzer's rating wins over the order's source; unreadable ones count as absent")
    func kitRating() throws {
        let analysis = try JSONValue.parse(#"{"attributes":{},"content_rating":"R"}"#)
        let source = try JSONValue.parse(#"{"platform":"civitai","rating":"Soft"}"#)
        #expect(ContentRating.of(analysis: analysis, source: source) == .mature)
        #expect(ContentRating.of(analysis: nil, source: source) == .soft)
        let failed = try JSONValue.parse(#"{"error":{"code":"provider_timeout","message":"slow"}}"#)
        #expect(ContentRating.of(analysis: failed, source: source) == .soft, "a failed analysis leaves the source's")
        let odd = try JSONValue.parse(#"{"content_rating":"spicy"}"#)
        #expect(ContentRating.of(analysis: odd, source: nil) == nil)
        #expect(ContentRating.of(analysis: nil, source: nil) == nil)
    }

    @Test("a kit above the watch's limit is refused with content_rating_refused naming both")
    func refusal() throws {
        #expect(ContentRating.mature.refusal(limit: nil, watch: "w") == nil, "no limit")
        #expect(ContentRating.soft.refusal(limit: .soft, watch: "w") == nil, "at the limit")
        #expect(ContentRating.none.refusal(limit: .soft, watch: "w") == nil)
        let refused = try #require(ContentRating.mature.refusal(limit: .soft, watch: "night"))
        #expect(refused.code == .contentRatingRefused)
        #expect(refused.code.rawValue == "content_rating_refused")
        #expect(refused.message.contains("Mature") && refused.message.contains("Soft") && refused.message.contains("night"), "\(refused)")
        #expect(ContentRating.x.refusal(limit: ContentRating.none, watch: "w")?.code == .contentRatingRefused)
    }

    @Test("an order's source.rating is validated: a level or film rating, a string")
    func orderSourceRating() throws {
        let order = try OrderValidator.validate(bytes: Array(#"{"kit":"a","source":{"platform":"civitai","rating":"mature"}}"#.utf8))
        #expect(order.source?["rating"] == .string("mature"))
        #expect(ContentRating.of(analysis: nil, source: order.source) == .mature)
        for bad in [#""spicy""#, "3"] {
            #expect(throws: RefkitError.self, "\(bad)") {
                try OrderValidator.validate(bytes: Array(#"{"kit":"a","source":{"rating":\#(bad)}}"#.utf8))
            }
        }
        do {
            _ = try OrderValidator.validate(bytes: Array(#"{"kit":"a","source":{"rating":"spicy"}}"#.utf8))
        } catch {
            #expect(error.detail.contains("$.source.rating") && error.detail.contains("None, Soft, Mature, X"), "\(error)")
        }
    }
}
