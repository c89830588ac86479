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
        // Room for the small kit with its 2048 px contact sheet, not for a 1 MiB source.
        guard mount("tmpfs", mountPoint, "tmpfs", 0, "size=960k") == 0 else {
            let reason = String(cString: strerror(errno))
            // Only an environment that forbids mounts (no CAP_SYS_ADMIN) ends up here.
            Issue.record("cannot mount a 960 KiB tmpfs to test ENOSPC: \(reason)")
            return
        }
        defer { umount2(mountPoint, Int32(MNT_DETACH)) }

        let outbox = mountPoint + "/outbox"
        let publisher = OutboxPublisher(outbox: outbox)
        let (files, manifest) = try Fixture.kit()
        var big = files
        let sourceIndex = try #require(big.firstIndex { $0.relativePath == "source.jpg" })
        big[sourceIndex].contents = (0..<(1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        var bigManifest = manifest
        bigManifest.source?.sha256 = nil

        do {
            _ = try publisher.publish(folder: "mira", files: big, manifest: bigManifest)
            Issue.record("a 1 MiB file fitted in a 960 KiB filesystem")
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
