import Foundation
import RefkitCore
import RefkitDigest
import Testing

@testable import RefkitPublish

@Suite("Republishing a kit")
struct RepublishTests {
    @Test("one changed image replaces just that file and updates the manifest")
    func oneChangedImage() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let publisher = OutboxPublisher(outbox: outbox.path)
        var (files, manifest) = try Fixture.kit()
        let folder = try publisher.publish(folder: "mira", files: files, manifest: manifest)
        let kitFiles = files.map(\.relativePath)
        var before: [String: (mtime: Int64, inode: UInt64)] = [:]
        for path in kitFiles + ["sheet.png", "manifest.json"] {
            let stamp = try #require(Fixture.fileStamp(of: folder + "/" + path))
            before[path] = stamp
        }
        let oldSheet = Fixture.read(folder + "/sheet.png")

        let newSide = try Fixture.png(seed: 777)
        let sideIndex = try #require(files.firstIndex { $0.relativePath == "side.png" })
        files[sideIndex].contents = newSide
        let stageIndex = try #require(manifest.stages.firstIndex { $0.stage == "side" })
        manifest.stages[stageIndex].sha256 = SHA256Digest.hex(of: newSide)
        manifest.updatedAt = "2026-11-24T00:00:00.000Z"
        _ = try publisher.publish(folder: "mira", files: files, manifest: manifest)

        for path in kitFiles {
            let after = try #require(Fixture.fileStamp(of: folder + "/" + path))
            if path == "side.png" {
                #expect(after.inode != before[path]?.inode, "side.png was not replaced by a rename")
            } else {
                #expect(after.inode == before[path]?.inode && after.mtime == before[path]?.mtime, "\(path) was rewritten")
            }
        }
        #expect(Fixture.read(folder + "/side.png") == newSide)
        #expect(Fixture.read(folder + "/sheet.png") != oldSheet)
        let json = try JSONValue.parse(try #require(Fixture.read(folder + "/manifest.json")))
        #expect(json["updated_at"] == .string("2026-11-24T00:00:00.000Z"))
        guard case .array(let stages)? = json["stages"] else {
            Issue.record("no stages")
            return
        }
        #expect(stages.first { $0["stage"] == .string("side") }?["sha256"] == .string(SHA256Digest.hex(of: newSide)))
        #expect(!Fixture.tree(folder).contains { $0.contains(".refkit-tmp-") })
    }

    @Test("republishing an unchanged kit rewrites nothing but what changed")
    func unchangedKit() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let publisher = OutboxPublisher(outbox: outbox.path)
        let (files, manifest) = try Fixture.kit()
        let folder = try publisher.publish(folder: "mira", files: files, manifest: manifest)
        let tree = Fixture.tree(folder)
        var before: [String: UInt64] = [:]
        for path in tree { before[path] = try #require(Fixture.fileStamp(of: folder + "/" + path)).inode }
        _ = try publisher.publish(folder: "mira", files: files, manifest: manifest)
        #expect(Fixture.tree(folder) == tree)
        for path in tree {
            #expect(Fixture.fileStamp(of: folder + "/" + path)?.inode == before[path], "\(path) was rewritten")
        }
    }
}
