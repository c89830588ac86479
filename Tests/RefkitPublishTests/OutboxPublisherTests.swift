import Foundation
import RefkitCore
import RefkitDigest
import RefkitImaging
import Testing

@testable import RefkitPublish

@Suite("Publishing a kit folder")
struct OutboxPublisherTests {
    let publisher: (String) -> OutboxPublisher = { OutboxPublisher(outbox: $0) }

    @Test("writes every file, the sheet, the gallery and the manifest last")
    func writesEverything() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let (files, manifest) = try Fixture.kit()
        let folder = try publisher(outbox.path).publish(folder: "mira", files: files, manifest: manifest)
        #expect(folder == outbox.path + "/mira")

        let tree = Fixture.tree(folder)
        #expect(
            tree == [
                "avatar.png", "back.png", "front.png", "index.html", "manifest.json", "reference_avatar.png", "sheet.png", "side.png",
                "source.jpg",
            ])
        for file in files { #expect(Fixture.read(folder + "/" + file.relativePath) == file.contents, "\(file.relativePath)") }

        // Manifest last: nothing in the folder is newer than it.
        let manifestTime = try #require(Fixture.fileStamp(of: folder + "/manifest.json")).mtime
        for path in tree where path != "manifest.json" {
            let time = try #require(Fixture.fileStamp(of: folder + "/" + path)).mtime
            #expect(time <= manifestTime, "\(path) is newer than manifest.json")
        }
        #expect(!tree.contains { $0.contains(".refkit-tmp-") })
    }

    @Test("the manifest lists every file with its real sha256, in the fixed key order")
    func manifestMatchesFiles() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        var (files, manifest) = try Fixture.kit()
        manifest.source?.sha256 = nil  // filled in by the publisher
        let folder = try publisher(outbox.path).publish(folder: "mira", files: files, manifest: manifest)

        let text = try #require(Fixture.text(folder + "/manifest.json"))
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\n  \"schema\": \"refkit.manifest/1\",\n"))
        let json = try JSONValue.parse(text)
        guard case .object(let members) = json else {
            Issue.record("manifest is not an object")
            return
        }
        #expect(
            members.map(\.key) == [
                "schema", "id", "kit", "status", "created_at", "updated_at", "refkit_version", "source", "sources", "content_rating",
                "character",
                "locked_reference", "conditioning", "stages", "candidates", "totals", "qa",
            ])
        var listed: [(String, String)] = []
        if let file = json["source"]?["file"], case .string(let f) = file, case .string(let sha)? = json["source"]?["sha256"] {
            listed.append((f, sha))
        }
        guard case .array(let stages)? = json["stages"] else {
            Issue.record("no stages")
            return
        }
        for stage in stages {
            if case .string(let f)? = stage["file"], case .string(let sha)? = stage["sha256"] { listed.append((f, sha)) }
        }
        #expect(listed.count == 6)
        for (file, sha) in listed {
            let bytes = try #require(Fixture.read(folder + "/" + file), "\(file) missing")
            #expect(SHA256Digest.hex(of: bytes) == sha, "\(file)")
        }
        #expect(json["totals"]?["cost_usd"] == .number(0.195, isInteger: false))
        #expect(json["character"]?["attributes"]?["eye_color"]?["origin"] == .string("analyzed"))
        #expect(json["source"]?["provenance"]?["platform"] == .string("civitai"))
        #expect(stages.last?["error"]?["code"] == .string("safety_block"))
        #expect(stages.last?["file"] == .null)
    }

    @Test("sheet.png is a studio sheet: a PNG at the layout's size, the failed stage a placeholder", arguments: [1, 4, 5])
    func sheetLayout(count: Int) throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let stages = Array(Stage.views.prefix(count))
        let (files, manifest) = try Fixture.kit(stages: stages)
        let folder = try publisher(outbox.path).publish(folder: "grid", files: files, manifest: manifest)
        let sheet = try #require(Fixture.read(folder + "/sheet.png"))
        #expect(Array(sheet.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let header = try ImageOps.probe(sheet)
        let layout = try ImageOps.studioSheetLayout(try #require(try Fixture.sheetContent(files, manifest)))
        #expect(header.width == layout.width && layout.width >= 2048)
        #expect(header.height == layout.height)
        #expect(header.loader.hasPrefix("png"))
        #expect(layout.source?.label == "SOURCE")
        let shown = layout.cells.compactMap(\.stage)
        #expect(stages.allSatisfy(shown.contains) && shown.contains(.expression("smile")), "\(shown)")
        let smile = try #require(layout.cells.first { $0.stage == .expression("smile") })
        #expect(smile.image == nil && smile.note == "failed: safety_block")
    }

    @Test("index.html labels every image, shows failures and escapes what users wrote")
    func gallery() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let (files, manifest) = try Fixture.kit(name: "<script>alert('x')</script> & co")
        let folder = try publisher(outbox.path).publish(folder: "hostile", files: files, manifest: manifest)
        let html = try #require(Fixture.text(folder + "/index.html"))
        for label in ["AVATAR", "REFERENCE AVATAR", "FRONT VIEW", "SIDE VIEW", "BACK VIEW", "EXPRESSION · SMILE"] {
            #expect(html.contains(label), "\(label)")
        }
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"))
        #expect(html.contains("safety_block"))
        #expect(html.contains("the provider refused &lt;the prompt&gt; &amp; said no"))
        #expect(html.contains("src=\"side.png?v="))
        #expect(html.contains("href=\"sheet.png\""))
        // Relative references only: no scheme, no absolute path, no parent.
        #expect(!html.contains("http:") && !html.contains("https:") && !html.contains("src=\"/") && !html.contains("../"))
    }

    @Test("a kit awaiting selection shows its candidates and how to choose, on the page and the sheet")
    func awaitingSelection() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        var files: [KitFile] = []
        var candidates: [ManifestImage] = []
        for n in 1...3 {
            let bytes = try Fixture.png(seed: UInt64(40 + n))
            files.append(KitFile(relativePath: "candidates/avatar-\(n).png", contents: bytes))
            var image = Fixture.done(.candidate(n), bytes)
            image.file = "candidates/avatar-\(n).png"
            candidates.append(image)
        }
        let manifest = ManifestDocument(
            id: "kit_02", kit: "Nova Quinn", status: .awaitingSelection, createdAt: Fixture.stamp, updatedAt: Fixture.stamp,
            refkitVersion: "0.1.0", stages: [ManifestImage(stage: "avatar", status: .pending)], candidates: candidates)
        let folder = try publisher(outbox.path).publish(folder: "nova-quinn", files: files, manifest: manifest)
        let html = try #require(Fixture.text(folder + "/index.html"))
        #expect(html.contains("Waiting for you to choose the avatar"))
        #expect(html.contains("refkit select &#39;Nova Quinn&#39; N"))
        for n in 1...3 {
            #expect(html.contains("Candidate \(n)"))
            #expect(html.contains("src=\"candidates/avatar-\(n).png?v="))
        }
        // The sheet shows the candidates to choose from under the avatar's (pending) placeholder.
        #expect(html.contains("href=\"sheet.png\""))
        let sheet = try ImageOps.probe(try #require(Fixture.read(folder + "/sheet.png")))
        let layout = try ImageOps.studioSheetLayout(try #require(try Fixture.sheetContent(files, manifest)))
        #expect(sheet.width == layout.width && sheet.height == layout.height)
        #expect(layout.rows.map(\.section) == [.avatar, .candidates])
        #expect(layout.rows[1].cells.map(\.label) == (1...3).map { "AVATAR CANDIDATE \($0)" })
        #expect(layout.rows[0].cells.map(\.note) == ["pending"])
        var chosen = manifest
        chosen.status = .generating
        #expect(try Fixture.sheetContent(files, chosen) == nil, "once chosen, the candidates leave the sheet (nothing else is done)")
        #expect(Fixture.tree(folder).filter { $0.hasPrefix("candidates/") }.count == 3)
    }

    @Test("a manifest naming a file that is not there, or with another sha256, is not written")
    func verifiesBeforeManifest() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let (files, manifest) = try Fixture.kit()

        var wrongDigest = manifest
        wrongDigest.stages[1].sha256 = String(repeating: "0", count: 64)
        #expect(throws: RefkitError.self) { try publisher(outbox.path).publish(folder: "a", files: files, manifest: wrongDigest) }
        do {
            _ = try publisher(outbox.path).publish(folder: "a", files: files, manifest: wrongDigest)
        } catch {
            #expect(error.code.rawValue == "outbox_checksum_mismatch")
        }
        #expect(!FileManager.default.fileExists(atPath: outbox.path + "/a/manifest.json"))

        var missing = manifest
        missing.candidates = [ManifestImage(stage: "avatar", status: .done, file: "candidates/avatar-9.png")]
        do {
            _ = try publisher(outbox.path).publish(folder: "b", files: files, manifest: missing)
            Issue.record("publish succeeded with a missing file")
        } catch {
            #expect(error.code.rawValue == "outbox_missing_file")
        }
        #expect(!FileManager.default.fileExists(atPath: outbox.path + "/b/manifest.json"))
    }

    @Test("files already published need not be given again")
    func usesFilesOnDisk() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let (files, manifest) = try Fixture.kit()
        let out = publisher(outbox.path)
        _ = try out.publish(folder: "mira", files: files, manifest: manifest)
        var later = manifest
        later.status = .complete
        later.updatedAt = "2026-11-23T09:00:00.000Z"
        let folder = try out.publish(folder: "mira", files: [], manifest: later)
        let json = try JSONValue.parse(try #require(Fixture.read(folder + "/manifest.json")))
        #expect(json["status"] == .string("complete"))
        #expect(json["updated_at"] == .string("2026-11-23T09:00:00.000Z"))
    }
}
