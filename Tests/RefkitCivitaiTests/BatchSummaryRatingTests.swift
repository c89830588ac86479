import Foundation
import RefkitCivitai
import RefkitCore
import Testing

@testable import RefkitStore

/// The batch summary counts kits per content rating (issue 17 item 6).
@Suite("Content ratings in the Civitai batch summary")
struct BatchSummaryRatingTests {
    @Test("kits are counted per rating and unrated; each kit names its rating; the line lists the levels with kits")
    func counts() throws {
        var images = (1...4).map { BatchSummaryQATests.image(Int64($0), [BatchSummaryQATests.stage(.avatar, nil)]) }
        images[0].kitContentRating = ContentRating.none
        images[1].kitContentRating = .mature
        images[2].kitContentRating = .mature
        let summary = try #require(BatchSummary.make(batch: BatchSummaryQATests.batch, images: images, now: Date()))
        #expect(summary.ratings == [ContentRating.none: 1, .soft: 0, .mature: 2, .x: 0])
        #expect(summary.unrated == 1)
        #expect(summary.kits.map(\.contentRating) == [ContentRating.none, .mature, .mature, nil])
        let ratings = try #require(summary.json["ratings"])
        #expect(ratings == (try JSONValue.parse(#"{"None":1,"Soft":0,"Mature":2,"X":0,"unrated":1}"#)))
        guard case .array(let kits)? = summary.json["kits"] else {
            Issue.record("no kits")
            return
        }
        #expect(kits.map { $0["content_rating"] } == [.string("None"), .string("Mature"), .string("Mature"), .null])
        #expect(summary.line.hasSuffix("; rated None 1, Mature 2, unrated 1"), "\(summary.line)")
    }
}

/// The sidecar refkit writes for a Civitai item carries the item's rating as `source.rating`.
@Suite("Content rating in Civitai sidecar orders")
struct CivitaiOrderRatingTests {
    @Test("nsfwLevel (or browsingLevel's highest bit) becomes source.rating; the order validates and rates the kit")
    func sidecarRating() throws {
        let items = [
            (#"{"id": 5, "url": "https://x/5.jpg", "nsfwLevel": "Mature"}"#, "Mature"),
            (#"{"id": 6, "url": "https://x/6.jpg", "browsingLevel": 2}"#, "Soft"),
        ]
        for (text, rating) in items {
            let image = try #require(CivitaiImage(json: try JSONValue.parse(text)))
            let order = try OrderValidator.validate(bytes: try CivitaiOrder.bytes(for: image, baseURL: "https://civitai.com"))
            #expect(order.source?["rating"] == .string(rating))
            #expect(ContentRating.of(analysis: nil, source: order.source)?.name == rating)
        }
        let unrated = try #require(CivitaiImage(json: try JSONValue.parse(#"{"id": 7, "url": "https://x/7.jpg"}"#)))
        #expect(CivitaiOrder.json(for: unrated, baseURL: "https://civitai.com")["source"]?["rating"] == nil)
    }
}
