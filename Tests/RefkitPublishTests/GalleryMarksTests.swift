import RefkitCore
import RefkitImaging
import RefkitQA
import Testing

@testable import RefkitPublish

/// The gallery marks each reference with its QA verdict and reasons, and shows the kit's QA
/// summary line (from the manifest value, no files); the published sheet marks the same tiles.
@Suite("QA marks in the gallery")
struct GalleryMarksTests {
    static func note(_ verdict: QAVerdict, _ summary: String) -> QANote { QANote(verdict: verdict, summary: summary, json: .null) }

    static func manifest() throws -> ManifestDocument {
        var manifest = try Fixture.kit().manifest
        for (i, verdict) in [QAVerdict.pass, .skipped, .warn, .fail].enumerated() {
            manifest.stages[i + 1].qa = note(verdict, verdict >= .warn ? "\(verdict.rawValue) said <b>\"no\"</b> & more" : "")
        }
        let summary = QAKitSummary(counts: [.pass: 1, .warn: 1, .fail: 1, .skipped: 1], regenerations: 2, spendUSD: 0.004)
        manifest.qa = summary.jsonValue
        return manifest
    }

    @Test("each checked reference has a verdict badge with its reasons, escaped; an unchecked one has none")
    func badges() throws {
        let manifest = try Self.manifest()
        let html = KitGallery.html(for: manifest, hasSheet: true)
        for verdict in QAVerdict.allCases {
            #expect(html.components(separatedBy: "class=\"badge qa-\(verdict.rawValue)\"").count == 2, "one \(verdict) badge")
        }
        #expect(html.contains(#"<figure class="done qa-fail">"#) && html.contains(#"<figure class="done qa-warn">"#))
        #expect(html.contains("title=\"fail said &lt;b&gt;&quot;no&quot;&lt;/b&gt; &amp; more\">QA fail</span>"), "\(html)")
        #expect(html.contains("<span class=\"qa-reason\">warn said &lt;b&gt;&quot;no&quot;&lt;/b&gt; &amp; more</span>"))
        #expect(!html.contains("<b>"), "what checks wrote is escaped")
        #expect(html.contains("title=\"no check warned or failed\">QA pass</span>"))
        #expect(html.contains("title=\"no check could look at this image\">QA skipped</span>"))
        // The sheet's colours: red for fail, as sheet.png draws it.
        #expect(html.contains(".badge.qa-fail{background:#c62828;color:#ffffff}figure.qa-fail{border:2px solid #c62828}"))
        #expect(html.contains(".badge.qa-pass{background:#2e7d32;color:#ffffff}") && !html.contains("figure.qa-pass{"))
        #expect(html.components(separatedBy: "qa-reason\">").count == 3, "reasons only for the warned and failed references")
        let avatar = try #require(html.range(of: "<strong>AVATAR</strong>"))
        let avatarCaption = html[avatar.upperBound...].prefix { $0 != "\n" }
        #expect(!avatarCaption.contains("QA "), "the unchecked avatar has no mark: \(avatarCaption)")
    }

    @Test("the header shows the kit's QA summary line; a kit QA never saw shows none")
    func summaryLine() throws {
        let html = KitGallery.html(for: try Self.manifest(), hasSheet: false)
        #expect(
            html.contains("<p class=\"qa-summary\">Quality checks: 1 pass, 1 warn, 1 fail, 1 skipped; 2 regenerations; QA spend $0.004</p>")
        )
        let unchecked = try Fixture.kit().manifest
        let plain = KitGallery.html(for: unchecked, hasSheet: false)
        #expect(!plain.contains("qa-summary\"") && !plain.contains("QA "))
    }

    @Test("the published sheet has a badge of the verdict's colour in each checked picture's corner, a red outline on fail")
    func sheetMarks() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let files = try Fixture.kit().files
        let manifest = try Self.manifest()
        let folder = try OutboxPublisher(outbox: outbox.path).publish(folder: "marked", files: files, manifest: manifest)
        let pixels = try ImageOps.rgbPixels(try #require(Fixture.read(folder + "/sheet.png")))
        let layout = try ImageOps.studioSheetLayout(try #require(try Fixture.sheetContent(files, manifest)))
        func pixel(_ x: Int, _ y: Int) -> [Double] {
            let start = y * pixels.rowStride + x * 3
            return pixels.bytes[start..<start + 3].map(Double.init)
        }
        let red = try #require(ContactSheetBadge(.fail)).fill
        for image in manifest.stages where image.status == .done {
            let cell = try #require(layout.cells.first { $0.stage?.name == image.stage })
            let picture = try #require(cell.image)
            let fill = image.qa.flatMap { ContactSheetBadge($0.verdict) }?.fill
            if let fill, let box = cell.badge {
                #expect(picture.contains(box), "\(image.stage): the badge is on the picture")
                let seen = pixel(box.x + 1, box.y + 1)
                #expect(zip(seen, [fill.red, fill.green, fill.blue]).allSatisfy { abs($0 - $1) <= 1 }, "\(image.stage): \(seen)")
            } else {
                #expect(fill == nil && cell.badge == nil, "\(image.stage)")
                let corner = pixel(picture.maxX - 4, picture.y + 4)
                #expect(corner != [198, 40, 40] && corner != [46, 125, 50], "\(image.stage) is unmarked: \(corner)")
            }
            let outlined = pixel(picture.x - 1, picture.midY) == [red.red, red.green, red.blue]
            #expect(outlined == (image.qa?.verdict == .fail), "\(image.stage): outlined only on fail")
        }
    }
}
