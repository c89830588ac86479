import Foundation
import RefkitCivitai
import RefkitCore
import RefkitDigest
import RefkitStore
import RefkitTestSupport
import Testing

@Suite("Civitai ingestion against the fake API", .timeLimit(.minutes(2)))
struct CivitaiIngestTests {
    /// The acceptance scenario: cursor paging with a 503 and a 429 (both with Retry-After), an id
    /// listed on two pages, an HTML page behind an image URL, an oversized image, a private
    /// address, rated, small and video items, meta null or missing, the same bytes under two
    /// ids. The right images land once with valid sidecars; a second run fetches nothing.
    @Test func rightImagesLandOnceAndASecondRunFetchesNothing() async throws {
        let token = "civitai-secret-token-7f3a9c"
        let fake = try await FakeCivitai.start(token: token)
        let fixture = try CivitaiFixture()
        let shared = try Images.jpeg(9)
        let good: [Int64] = [101, 102, 103, 105, 110, 111]
        for (i, id) in good.enumerated() { fake.host("\(id).jpeg", bytes: try Images.jpeg(UInt64(i + 1))) }
        fake.host("104.jpeg", bytes: Array("<!doctype html><html><body>Cloudflare says no</body></html>".utf8), contentType: "image/jpeg")
        fake.host("106.jpeg", bytes: [UInt8](repeating: 0xFF, count: 450_000))  // over max_image_bytes (400 000)
        fake.host("112.jpeg", bytes: shared)
        fake.host("113.jpeg", bytes: shared)  // same bytes, another id
        fake.setFeed([
            .init(id: 101), .init(id: 102, meta: nil), .init(id: 103, omitMeta: true), .init(id: 104),
            // page 2: 103 again (the feed moved), a rated image, an oversized one, a small one
            .init(id: 103), .init(id: 107, nsfwLevel: "Mature", browsingLevel: 4), .init(id: 106), .init(id: 108, width: 300, height: 300),
            // page 3: a video, an image URL on a private address, the rest
            .init(id: 109, type: "video"), .init(id: 120, url: "http://169.254.169.254/latest/meta-data.jpg"), .init(id: 105),
            .init(id: 110),
            // page 4
            .init(id: 111, username: nil), .init(id: 112), .init(id: 113),
        ])
        fake.script(.images, FakeCivitai.overloaded(retryAfter: 1))
        fake.script(.file, FakeCivitai.rateLimited(retryAfter: 1))

        let report = try await fixture.run(fake, settings: fixture.settings(fake), token: token)

        #expect(report.fetchError == nil)
        #expect(report.pages == 4)
        #expect(report.written.map(\.imageID) == [101, 102, 103, 105, 110, 111, 112])
        #expect(report.repeated == 1)
        #expect(report.skipped == ["rating": 1, "too_small": 1, "not_image": 1])
        #expect(report.duplicates == 1)
        let failures = Dictionary(uniqueKeysWithValues: report.failed.map { ($0.imageID, $0.code.rawValue) })
        #expect(failures == [104: "civitai_not_image", 106: "civitai_image_too_large", 120: "civitai_url_refused"])

        // The inbox: exactly an image and an order per written image, nothing hidden left behind.
        let expected = report.written.flatMap { ["civitai-\($0.imageID).jpg", "civitai-\($0.imageID).json"] }.sorted()
        #expect(fixture.inboxNames == expected)
        for written in report.written {
            let image = try #require(FileFixtures.read("\(fixture.inbox)/\(written.imageFile)"))
            #expect(SHA256Digest.hex(of: image) == written.sha256)
            let orderBytes = try #require(FileFixtures.read("\(fixture.inbox)/\(written.orderFile)"))
            let order = try OrderValidator.validate(bytes: orderBytes)
            #expect(order.kit == "civitai-\(written.imageID)")
            #expect(order.stages == .profile(.turnaround))
            #expect(order.analyze == true)
            #expect(order.source?["platform"] == .string("civitai"))
            #expect(order.source?["id"] == .number(Double(written.imageID), isInteger: true))
            #expect(order.source?["url"] == .string("\(fake.baseURL)/images/\(written.imageID)"))
        }
        let first = try OrderValidator.validate(bytes: try #require(FileFixtures.read("\(fixture.inbox)/civitai-101.json")))
        #expect(first.source?["author"] == .string("artist"))
        #expect(first.source?["meta"]?["prompt"] == .string("a knight"))
        #expect(first.source?["meta"]?["seed"] == .number(42, isInteger: true))
        #expect(first.source?["meta"]?["base_model"] == .string("SDXL 1.0"))
        // meta null and meta missing: an order all the same, without generation parameters.
        for id in [102, 103] {
            let order = try OrderValidator.validate(bytes: try #require(FileFixtures.read("\(fixture.inbox)/civitai-\(id).json")))
            #expect(order.source?["meta"]?["prompt"] == nil)
        }
        let anonymous = try OrderValidator.validate(bytes: try #require(FileFixtures.read("\(fixture.inbox)/civitai-111.json")))
        #expect(anonymous.source?["author"] == nil)

        // withMeta asked on every page; the cursor followed; Retry-After honoured (the retry came
        // at least a second after the 503, and after the 429 on the first download).
        let pages = fake.arrivals(.images)
        #expect(pages.count == 5)
        #expect(
            pages.allSatisfy { $0.call.query["withMeta"] == "true" && $0.call.query["limit"] == "4" && $0.call.query["nsfw"] == "None" })
        #expect(pages[0].call.query["cursor"] == nil && pages[1].call.query["cursor"] == nil)
        #expect(pages[2].call.query["cursor"] == "4|1700000004")
        #expect(pages[1].at - pages[0].at >= .milliseconds(950))
        let files = fake.arrivals(.file)
        #expect(files[1].at - files[0].at >= .milliseconds(950))
        // The token goes to the API only, never to the image host.
        #expect(pages.allSatisfy { $0.call.header("authorization") == "Bearer \(token)" })
        #expect(files.allSatisfy { $0.call.header("authorization") == nil })
        // Never fetched: skipped items, the private address, the repeated id.
        #expect(!fake.downloadedFiles.contains { ["107.jpeg", "108.jpeg", "109.jpeg"].contains($0) })
        #expect(fake.downloadedFiles.count { $0 == "103.jpeg" } == 1)

        // Second night: the same feed, nothing new fetched or written.
        let downloadsBefore = fake.count(.file)
        let again = try await fixture.run(fake, settings: fixture.settings(fake), token: token)
        #expect(again.written.isEmpty)
        #expect(again.failed.isEmpty)
        #expect(again.alreadySeen == 11)  // 7 written, 1 duplicate, 3 unusable for good
        #expect(again.skipped == ["rating": 1, "too_small": 1, "not_image": 1])  // judged again, never downloaded
        #expect(fake.count(.file) == downloadsBefore, "a second run downloaded again")
        #expect(fixture.inboxNames == expected)

        // The token reached no log line and no file (database, WAL, inbox).
        #expect(!fixture.log.text.contains(token))
        for file in FileFixtures.files(below: fixture.directory.path) {
            let bytes = try #require(FileFixtures.read("\(fixture.directory.path)/\(file)"))
            #expect(!String(decoding: bytes, as: UTF8.self).contains(token), "the token was written to \(file)")
        }
        await fake.stop()
    }

    @Test func stopsAtTheLimitWithoutReadingFurtherPages() async throws {
        let fake = try await FakeCivitai.start()
        let fixture = try CivitaiFixture()
        for id in Int64(1)...Int64(8) { fake.host("\(id).jpeg", bytes: try Images.jpeg(UInt64(id) + 20)) }
        fake.setFeed((Int64(1)...Int64(8)).map { FakeCivitai.Item(id: $0) })
        let report = try await fixture.run(fake, settings: fixture.settings(fake, limit: 3, pageSize: 2))
        #expect(report.written.map(\.imageID) == [1, 2, 3])
        #expect(fake.count(.images) == 2)
        #expect(fake.count(.file) == 3)
        #expect(fake.calls(.images).allSatisfy { $0.header("authorization") == nil }, "no token configured, none sent")
        // The next night continues where the feed has new images.
        let next = try await fixture.run(fake, settings: fixture.settings(fake, limit: 3, pageSize: 2))
        #expect(next.written.map(\.imageID) == [4, 5, 6])
        #expect(next.alreadySeen == 3)
        await fake.stop()
    }

    /// `modelId` without `modelVersionId` is Civitai's legacy path: meta nested as {id, meta}.
    @Test func legacyNestedMetaIsFlattened() async throws {
        let fake = try await FakeCivitai.start()
        let fixture = try CivitaiFixture()
        fake.host("5.jpeg", bytes: try Images.jpeg(31))
        fake.setFeed([
            .init(
                id: 5,
                meta: .object([("prompt", .string("a ranger")), ("cfgScale", .number(7, isInteger: true)), ("resources", .array([]))]))
        ])
        var settings = fixture.settings(fake)
        settings.modelID = 4201
        let report = try await fixture.run(fake, settings: settings)
        #expect(fake.calls(.images).first?.query["modelId"] == "4201")
        #expect(report.written.count == 1)
        let order = try OrderValidator.validate(bytes: try #require(FileFixtures.read("\(fixture.inbox)/civitai-5.json")))
        #expect(order.source?["meta"]?["prompt"] == .string("a ranger"))
        #expect(order.source?["meta"]?["cfg_scale"] == .number(7, isInteger: true))
        #expect(order.source?["meta"]?["resources"] == nil)
        await fake.stop()
    }

    @Test func aRejectedQueryEndsTheListingWithTheServersWords() async throws {
        let fake = try await FakeCivitai.start()
        let fixture = try CivitaiFixture()
        fake.setFeed([.init(id: 1)])
        var settings = fixture.settings(fake)
        settings.pageSize = 500  // the API allows 200 at most
        let report = try await fixture.run(fake, settings: settings)
        #expect(report.fetchError?.code.rawValue == "civitai_bad_request")
        #expect(report.fetchError?.detail.contains("less than or equal to 200") == true)
        #expect(report.written.isEmpty)
        #expect(fake.count(.images) == 1, "a 400 is not retried")
        await fake.stop()
    }

    @Test func aRetryAfterLongerThanAllowedEndsTheRunWithoutWaiting() async throws {
        let fake = try await FakeCivitai.start()
        let fixture = try CivitaiFixture()
        fake.setFeed([.init(id: 1)])
        fake.script(.images, FakeCivitai.rateLimited(retryAfter: 3600))
        var settings = fixture.settings(fake)
        settings.maxRetryWaitSeconds = 60
        let started = ContinuousClock.now
        let report = try await fixture.run(fake, settings: settings)
        #expect(report.fetchError?.code.rawValue == "civitai_rate_limited")
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(fake.count(.images) == 1)
        await fake.stop()
    }

    @Test func aWrongTokenIsRefusedAndNotRetried() async throws {
        let fake = try await FakeCivitai.start(token: "the-right-token-123")
        let fixture = try CivitaiFixture()
        fake.setFeed([.init(id: 1)])
        let report = try await fixture.run(fake, settings: fixture.settings(fake), token: "a-wrong-token-456")
        #expect(report.fetchError?.code.rawValue == "civitai_auth_failed")
        #expect(fake.count(.images) == 1)
        #expect(!fixture.log.text.contains("a-wrong-token-456"))
        await fake.stop()
    }
}
