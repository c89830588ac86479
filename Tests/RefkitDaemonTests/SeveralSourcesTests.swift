import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitDigest
import RefkitStore
import RefkitTestSupport
import Testing

/// Issue 17 item 1 end to end: several sources of one character, dropped as a `NAME.kit` folder
/// or named by an order's `sources`, become one kit whose every provider request carries them
/// all, whose analysis reads them together, and whose manifest and outbox list them.
@Suite("Several sources for one character, through the daemon", .timeLimit(.minutes(3)))
struct SeveralSourcesTests {
    /// A watch (recursive or not) whose default order uses `provider` (key in a file). The waits
    /// are generous so a loaded machine judging the drop slowly still pairs it (they are bounds:
    /// a complete drop is taken at once, a folder after the sidecar wait).
    static func config(
        provider: String, table: String, recursive: Bool, order: String = "", in dir: TemporaryDirectory
    ) throws
        -> Configuration
    {
        try loadConfiguration(
            """
            state_dir = "state"
            \(table)
            api_key_file = "key.txt"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            recursive = \(recursive)
            settle_ms = 40
            sidecar_wait_ms = 1000
            image_wait_ms = 3000
              [watch.default_order]
              provider = "\(provider)"
              \(order)
            """, in: dir)
    }

    /// Three distinct photos of one character.
    static func photos() throws -> [[UInt8]] {
        try [11, 12, 13].map { try ImageFixtures.jpeg(seed: $0, width: 96 + Int($0), height: 128) }
    }

    /// The published normalised sources of a kit folder, in order, checked against its manifest:
    /// `source.jpg`, `sources/2.jpg`, `sources/3.jpg`, each with its original's name, size and sha256.
    static func publishedSources(_ folder: String, originals: [(name: String, bytes: [UInt8])]) throws -> [[UInt8]] {
        let manifest = try checkManifest(kitFolder: folder)
        guard case .array(let listed)? = manifest["sources"] else {
            Issue.record("the manifest lists no sources")
            return []
        }
        #expect(listed.count == originals.count)
        var published: [[UInt8]] = []
        for (index, (entry, original)) in zip(listed, originals).enumerated() {
            let file = index == 0 ? "source.jpg" : "sources/\(index + 1).jpg"
            #expect(entry["file"] == .string(file))
            #expect(entry["original_name"] == .string(original.name))
            #expect(entry["bytes"] == .number(Double(original.bytes.count), isInteger: true))
            #expect(entry["sha256"] == .string(SHA256Digest.hex(of: original.bytes)))
            let bytes = try #require(FileFixtures.read("\(folder)/\(file)"), "\(file) is not in the outbox")
            #expect(entry["file_sha256"] == .string(SHA256Digest.hex(of: bytes)))
            published.append(bytes)
        }
        return published
    }

    /// A `mira.kit/` folder of three images in a recursive watch: one kit named mira, the first
    /// image its primary; the analyzer reads the three in one request; every Gemini request
    /// carries the three (the source first, the further ones after the locked reference).
    @Test func aKitFolderOfThreeImagesIsOneCharacterAndEveryStageCarriesTheThree() async throws {
        let secret = "AIzaTestSecret-sources-3f1"
        let gemini = try await FakeGemini.start(apiKey: secret)
        let analyzer = try await FakeAnalyzer.start(key: "sk-sources-analyzer-0001")
        let dir = try TemporaryDirectory("several-sources-folder")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write(secret, to: dir.url("key.txt"))
        try FileFixtures.write("sk-sources-analyzer-0001", to: dir.url("analyzer.key"))
        let configuration = try Self.config(
            provider: "gemini",
            table: "[analyzer]\nbase_url = \"\(analyzer.baseURL)\"\nmodel = \"v\"\napi_key_file = \"analyzer.key\"\n"
                + "[providers.gemini]\nbase_url = \"\(gemini.baseURL)\"",
            recursive: true, order: "stages = [\"avatar\", \"front\", \"side\"]\n  analyze = true", in: dir)
        let photos = try Self.photos()
        let names = ["1.jpg", "2.jpg", "10.jpg"]  // name order counts 10 after 2
        try FileManager.default.createDirectory(atPath: "\(inbox)/mira.kit", withIntermediateDirectories: false)
        for (name, bytes) in zip(names, photos) { try FileFixtures.write(bytes, to: "\(inbox)/mira.kit/\(name)") }
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
        let summary = try await daemon.run(.once)
        await gemini.stop()
        await analyzer.stop()

        #expect(summary.kits[.complete] == 1, "\(summary.kits)")
        #expect(try daemon.database.kits().count == 1, "one kit for the folder")
        let kit = try #require(try daemon.database.kit("mira"), "the kit is named after the folder")
        #expect(try daemon.database.kitSources(kitID: kit.id).map(\.originalName) == names)
        let folder = try #require(kit.outboxDir)
        let published = try Self.publishedSources(folder, originals: Array(zip(names, photos)).map { ($0.0, $0.1) })
        #expect(published.count == 3)
        // Every stage's request carried the three: source first, the further two last.
        #expect(gemini.requests.count == 3)
        for request in gemini.requests {
            let images = request.images.map(\.bytes)
            #expect(images.first == published.first)
            #expect(Array(images.suffix(2)) == Array(published.dropFirst()))
            #expect(images.count == 3 || images.count == 4, "\(images.count) images")
        }
        #expect(gemini.requests.contains { $0.images.count == 4 }, "the views carry the locked reference too")
        // One description of the character, from the three together.
        let descriptions = analyzer.requests.filter { !$0.images.isEmpty }
        #expect(descriptions.count == 1)
        #expect(descriptions.first?.images.map(\.bytes) == published)
        // The folder is gone from the inbox once its kit was taken.
        #expect(FileFixtures.kind("\(inbox)/mira.kit") == .missing)
    }

    /// An order naming three files in `sources`: one kit; every OpenAI edit carries the three as
    /// `image[]` parts. A re-drop of one of them afterwards adds nothing: a duplicate of the kit.
    @Test func anOrderWithThreeSourcesAndARedropOfOne() async throws {
        let secret = "sk-test-sources-openai-0123456789"
        let openai = try await FakeOpenAI.start(apiKey: secret)
        let dir = try TemporaryDirectory("several-sources-order")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write(secret, to: dir.url("key.txt"))
        let configuration = try Self.config(
            provider: "openai", table: "[providers.openai]\nbase_url = \"\(openai.baseURL)\"", recursive: false,
            order: "stages = [\"avatar\", \"front\"]", in: dir)
        let photos = try Self.photos()
        let names = ["mira-b.jpg", "mira-a.jpg", "mira-c.jpg"]
        try FileFixtures.write(#"{"kit": "Mira", "sources": ["mira-b.jpg", "mira-a.jpg", "mira-c.jpg"]}"#, to: "\(inbox)/mira.json")
        for (name, bytes) in zip(names, photos) { try FileFixtures.write(bytes, to: "\(inbox)/\(name)") }

        func once(_ check: (Daemon, Daemon.Summary) throws -> Void) async throws {
            let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
            try check(daemon, try await daemon.run(.once))
        }
        var kitID = ""
        try await once { daemon, summary in
            #expect(summary.kits[.complete] == 1, "\(summary.kits)")
            let kit = try #require(try daemon.database.kit("Mira"))
            kitID = kit.id
            #expect(try daemon.database.kits().count == 1)
            let published = try Self.publishedSources(
                try #require(kit.outboxDir), originals: Array(zip(names, photos)).map { ($0.0, $0.1) })
            #expect(openai.requests.count == 2)
            for request in openai.requests {
                let images = request.images.map(\.bytes)
                #expect(images.first == published.first)
                #expect(Array(images.suffix(2)) == Array(published.dropFirst()))
            }
        }
        #expect(FileFixtures.names(in: inbox).filter { !$0.hasPrefix(".") }.isEmpty, "the order and its three images were all taken")

        // The second source again, under another name and without an order: nothing new.
        try FileFixtures.write(photos[1], to: "\(inbox)/copy of a.jpg")
        try await once { daemon, summary in
            #expect(try daemon.database.kits().count == 1, "no second kit")
            let duplicate = try daemon.database.scalar(
                "SELECT count(*) FROM intake_claims WHERE state = 'duplicate' AND kit_id = '\(kitID)'")
            #expect(duplicate == 1)
        }
        #expect(openai.requests.count == 2, "nothing was made again")
        #expect(FileFixtures.names(in: inbox).filter { !$0.hasPrefix(".") }.isEmpty)
        await openai.stop()
    }

    /// `max_input_images = 3`: the avatar's edit carries the three sources; a view's carries the
    /// source, the locked reference and only the first further source (best first), never
    /// losing the locked reference.
    @Test func aProviderTakingFewerImagesGetsTheBestFirstAndAlwaysTheLockedReference() async throws {
        let secret = "sk-test-sources-cap-0123456789"
        let openai = try await FakeOpenAI.start(apiKey: secret)
        let dir = try TemporaryDirectory("several-sources-cap")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write(secret, to: dir.url("key.txt"))
        let configuration = try Self.config(
            provider: "openai", table: "[providers.openai]\nbase_url = \"\(openai.baseURL)\"\nmax_input_images = 3", recursive: true,
            order: "stages = [\"avatar\", \"front\"]", in: dir)
        let photos = try Self.photos()
        let names = ["1.jpg", "2.jpg", "3.jpg"]
        try FileManager.default.createDirectory(atPath: "\(inbox)/ivy.kit", withIntermediateDirectories: false)
        for (name, bytes) in zip(names, photos) { try FileFixtures.write(bytes, to: "\(inbox)/ivy.kit/\(name)") }
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
        let summary = try await daemon.run(.once)
        await openai.stop()
        #expect(summary.kits[.complete] == 1, "\(summary.kits)")
        let kit = try #require(try daemon.database.kit("ivy"))
        let folder = try #require(kit.outboxDir)
        let published = try Self.publishedSources(folder, originals: Array(zip(names, photos)).map { ($0.0, $0.1) })
        let locked = try #require(FileFixtures.read("\(folder)/avatar.png"))
        let sent = openai.requests.map { $0.images.map(\.bytes) }
        #expect(sent.count == 2)
        #expect(sent.contains(published), "the avatar's edit: the three sources")
        #expect(sent.contains([published[0], locked, published[1]]), "the view's edit: source, locked reference, best further source")
    }

    /// An order naming a source that never comes: the order is rejected with
    /// `order_source_missing` (naming the file), the sources that came with
    /// `source_sibling_rejected`; nothing is lost: all three are in rejected/ with their reports.
    @Test func aMissingSourceIsAClearErrorAndLosesNothing() async throws {
        let dir = try TemporaryDirectory("several-sources-missing")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write("unused", to: dir.url("key.txt"))
        let configuration = try Self.config(
            provider: "preview", table: "[providers.preview]\nkind = \"preview\"", recursive: false, order: "stages = [\"avatar\"]",
            in: dir)
        let photos = try Self.photos()
        try FileFixtures.write(#"{"sources": ["a.jpg", "b.jpg", "gone.jpg"]}"#, to: "\(inbox)/mira.json")
        try FileFixtures.write(photos[0], to: "\(inbox)/a.jpg")
        try FileFixtures.write(photos[1], to: "\(inbox)/b.jpg")
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
        _ = try await daemon.run(.once)
        #expect(try daemon.database.kits().isEmpty)
        let rejected = dir.url("rejected")
        func report(_ name: String) throws -> JSONValue {
            try JSONValue.parse(try #require(FileFixtures.read("\(rejected)/\(name).error.json"), "no report for \(name)"))
        }
        #expect(try report("mira.json")["code"] == .string("order_source_missing"))
        if case .string(let detail)? = try report("mira.json")["detail"] { #expect(detail.contains("gone.jpg")) }
        #expect(try report("a.jpg")["code"] == .string("source_sibling_rejected"))
        #expect(try report("b.jpg")["code"] == .string("source_sibling_rejected"))
        #expect(FileFixtures.read("\(rejected)/a.jpg") == photos[0])
        #expect(FileFixtures.read("\(rejected)/b.jpg") == photos[1])
    }
}
