import Foundation
import RefkitCore
import Testing

@testable import RefkitPublish

@Suite("Nothing escapes the outbox")
struct UnsafeNameTests {
    static let unsafeFolders = ["", "/", "a/b", "..", "../x", "x/../y", ".hidden", ".", "a..b", "kit\u{0}"]
    static let unsafePaths = [
        "../x.png", "/etc/x", "a//b", "a/", "./a.png", "a/./b.png", "expressions/../../x.png", ".refkit-tmp-1", "a/.hidden",
        "", "manifest.json", "index.html", "sheet.png", "a\\b.png", "x\n.png",
    ]

    @Test("unsafe folder names are refused before anything is written", arguments: unsafeFolders)
    func unsafeFolder(name: String) throws {
        let sandbox = try TemporaryDirectory()
        defer { sandbox.remove() }
        let outbox = sandbox.path + "/outbox"
        let (files, manifest) = try Fixture.kit()
        do {
            _ = try OutboxPublisher(outbox: outbox).publish(folder: name, files: files, manifest: manifest)
            Issue.record("folder \(name.debugDescription) was accepted")
        } catch {
            #expect(error.code.rawValue == "outbox_unsafe_name")
        }
        #expect(Fixture.tree(sandbox.path).isEmpty)
    }

    @Test("unsafe file paths are refused before anything is written", arguments: unsafePaths)
    func unsafePath(path: String) throws {
        let sandbox = try TemporaryDirectory()
        defer { sandbox.remove() }
        let outbox = sandbox.path + "/outbox"
        var (files, manifest) = try Fixture.kit()
        files.append(KitFile(relativePath: path, contents: Array("evil".utf8)))
        do {
            _ = try OutboxPublisher(outbox: outbox).publish(folder: "mira", files: files, manifest: manifest)
            Issue.record("path \(path.debugDescription) was accepted")
        } catch {
            #expect(error.code.rawValue == "outbox_unsafe_name")
        }
        #expect(Fixture.tree(sandbox.path).isEmpty)

        // The same path listed by the manifest instead of given as a file.
        files.removeLast()
        manifest.stages[0].file = path
        do {
            _ = try OutboxPublisher(outbox: outbox).publish(folder: "mira", files: files, manifest: manifest)
            Issue.record("manifest path \(path.debugDescription) was accepted")
        } catch {
            #expect(error.code.rawValue == "outbox_unsafe_name")
        }
        #expect(Fixture.tree(sandbox.path).isEmpty)
    }

    @Test("a symlink planted in a kit folder is not followed")
    func plantedSymlink() throws {
        let sandbox = try TemporaryDirectory()
        defer { sandbox.remove() }
        let outbox = sandbox.path + "/outbox"
        let elsewhere = sandbox.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: outbox + "/mira", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: outbox + "/mira/expressions", withDestinationPath: elsewhere)
        let bytes = try Fixture.png(seed: 5)
        let files = [KitFile(relativePath: "expressions/smile.png", contents: bytes)]
        let manifest = ManifestDocument(
            id: "k", kit: "Mira", status: .complete, createdAt: Fixture.stamp, updatedAt: Fixture.stamp, refkitVersion: "0",
            stages: [Fixture.done(.expression("smile"), bytes)])
        do {
            _ = try OutboxPublisher(outbox: outbox).publish(folder: "mira", files: files, manifest: manifest)
            Issue.record("wrote through a symlink")
        } catch {
            #expect(error.code.rawValue == "outbox_unwritable")
        }
        #expect(Fixture.tree(elsewhere).isEmpty)
    }

    @Test("duplicate file paths are refused")
    func duplicates() throws {
        let sandbox = try TemporaryDirectory()
        defer { sandbox.remove() }
        var (files, manifest) = try Fixture.kit()
        files.append(files[0])
        do {
            _ = try OutboxPublisher(outbox: sandbox.path).publish(folder: "mira", files: files, manifest: manifest)
            Issue.record("duplicate accepted")
        } catch {
            #expect(error.code.rawValue == "outbox_duplicate_file")
        }
        manifest.stages.removeAll()
        #expect(Fixture.tree(sandbox.path).isEmpty)
    }
}
