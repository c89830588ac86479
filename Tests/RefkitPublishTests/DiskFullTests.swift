import Foundation
import RefkitCore
import Testing

@testable import RefkitPublish

@Suite("A full disk", .serialized)
struct DiskFullTests {
    @Test("ENOSPC is disk_full and leaves no partial file, no manifest")
    func diskFull() throws {
        let sandbox = try TemporaryDirectory()
        defer { sandbox.remove() }
        let mountPoint = sandbox.path + "/tiny"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard mount("tmpfs", mountPoint, "tmpfs", 0, "size=256k") == 0 else {
            let reason = String(cString: strerror(errno))
            // Only an environment that forbids mounts (no CAP_SYS_ADMIN) ends up here.
            Issue.record("cannot mount a 256 KiB tmpfs to test ENOSPC: \(reason)")
            return
        }
        defer { umount2(mountPoint, Int32(MNT_DETACH)) }

        let outbox = mountPoint + "/outbox"
        let publisher = OutboxPublisher(outbox: outbox, sheetColumns: 4, sheetCell: 64)
        let (files, manifest) = try Fixture.kit()
        var big = files
        let sourceIndex = try #require(big.firstIndex { $0.relativePath == "source.jpg" })
        big[sourceIndex].contents = (0..<(1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        var bigManifest = manifest
        bigManifest.source?.sha256 = nil

        do {
            _ = try publisher.publish(folder: "mira", files: big, manifest: bigManifest)
            Issue.record("a 1 MiB file fitted in a 256 KiB filesystem")
        } catch {
            #expect(error.code.rawValue == "disk_full", "\(error)")
            #expect(error.detail.contains("source.jpg"))
        }
        let tree = Fixture.tree(outbox)
        #expect(!tree.contains { $0.contains(".refkit-tmp-") }, "temp file left: \(tree)")
        #expect(!tree.contains("mira/manifest.json"))
        #expect(!tree.contains("mira/source.jpg"))

        // Once space is free again the same publish succeeds.
        let small = try publisher.publish(folder: "mira", files: files, manifest: manifest)
        #expect(FileManager.default.fileExists(atPath: small + "/manifest.json"))
    }
}
