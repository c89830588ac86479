import Foundation
import RefkitCore
import RefkitTestSupport
import Synchronization
import Testing

@testable import RefkitPublish

#if canImport(Glibc)
import Glibc
import RefkitDigest
#endif

/// A reader of a kit folder as a gallery or a sync script is: it opens the folder once, reads the
/// manifest, then every file it lists, relative to that folder.
enum KitReader {
    enum Outcome: Equatable {
        case consistent, missing
        case mismatch(String)
    }

    static func read(_ dfd: Int32, _ name: String) -> [UInt8]? {
        let fd = openat(dfd, name, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return n == 0 ? bytes : nil }
            bytes.append(contentsOf: buffer[..<n])
        }
    }

    static func check(kitFolder: String) -> Outcome {
        let dfd = open(kitFolder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { return .missing }
        defer { close(dfd) }
        guard let data = read(dfd, "manifest.json"), let manifest = try? JSONValue.parse(data) else { return .missing }
        guard case .array(let stages)? = manifest["stages"] else { return .mismatch("no stages") }
        for stage in stages {
            guard case .string(let file)? = stage["file"], case .string(let sha)? = stage["sha256"] else { continue }
            guard let bytes = read(dfd, file) else { return .missing }
            if SHA256Digest.hex(of: bytes) != sha { return .mismatch(file) }
        }
        return .consistent
    }

    /// Every file the manifest at `kitFolder` lists has the listed SHA-256.
    static func isWhole(_ kitFolder: String) -> Bool { check(kitFolder: kitFolder) == .consistent }
}

@Suite("Re-publishing is atomic for readers", .serialized)
struct AtomicRepublishTests {
    /// A publish that stops half-way (here: a listed file fails its check after new images were
    /// placed; a crash or a full disk stop it the same way) leaves the published version whole.
    @Test func aRepublishStoppedHalfWayLeavesThePublishedVersionWhole() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let publisher = OutboxPublisher(outbox: outbox.path)
        let (files, manifest) = try Fixture.kit()
        let folder = try publisher.publish(folder: "mira", files: files, manifest: manifest)
        let oldSide = try #require(Fixture.read("\(folder)/side.png"))

        var newFiles = files
        var newManifest = manifest
        let newSide = try Fixture.png(seed: 4242)
        newFiles[try #require(newFiles.firstIndex { $0.relativePath == "side.png" })].contents = newSide
        newManifest.stages[try #require(newManifest.stages.firstIndex { $0.stage == "side" })].sha256 = SHA256Digest.hex(of: newSide)
        newManifest.stages[try #require(newManifest.stages.firstIndex { $0.stage == "back" })].sha256 = String(repeating: "0", count: 64)
        #expect(throws: RefkitError.self) { try publisher.publish(folder: "mira", files: newFiles, manifest: newManifest) }

        #expect(KitReader.check(kitFolder: folder) == .consistent, "the published manifest no longer matches its files")
        #expect(Fixture.read("\(folder)/side.png") == oldSide)
        #expect(!Fixture.tree(outbox.path).contains { $0.contains(".refkit-tmp-") })
        #expect(FileManager.default.fileExists(atPath: folder))
    }

    /// A reader reading all the time while the kit is published again and again only ever sees a
    /// manifest with the files it lists (or, across a switch, a file gone: it reads again).
    @Test func aConcurrentReaderNeverSeesAManifestThatDoesNotMatchItsFiles() async throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let publisher = OutboxPublisher(outbox: outbox.path)
        var versions: [(files: [KitFile], manifest: ManifestDocument)] = []
        for seed in [100, 200] as [UInt64] {
            var (files, manifest) = try Fixture.kit()
            for (i, stage) in ["side", "front", "back"].enumerated() {
                let bytes = try Fixture.png(seed: seed + UInt64(i))
                files[try #require(files.firstIndex { $0.relativePath == "\(stage).png" })].contents = bytes
                manifest.stages[try #require(manifest.stages.firstIndex { $0.stage == stage })].sha256 = SHA256Digest.hex(of: bytes)
            }
            versions.append((files, manifest))
        }
        let folder = try publisher.publish(folder: "mira", files: versions[0].files, manifest: versions[0].manifest)
        let stop = Atomic<Bool>(false)
        // The reader spins and the publishes block on fsync: both run off Swift's cooperative
        // threads, which the rest of the suite (loopback fakes) needs while this test runs.
        let reader = Task {
            try await offPool { () -> (consistent: Int, mismatches: [String]) in
                var consistent = 0
                var mismatches: [String] = []
                while !stop.load(ordering: .relaxed) {
                    switch KitReader.check(kitFolder: folder) {
                    case .consistent: consistent += 1
                    case .mismatch(let file): mismatches.append(file)
                    case .missing: continue
                    }
                }
                return (consistent, mismatches)
            }
        }
        let rounds = versions
        try await offPool {
            for round in 1...30 {
                let version = rounds[round % 2]
                _ = try publisher.publish(folder: "mira", files: version.files, manifest: version.manifest)
            }
        }
        stop.store(true, ordering: .relaxed)
        let seen = try await reader.value
        #expect(seen.mismatches.isEmpty, "a reader saw a manifest not matching \(Set(seen.mismatches))")
        #expect(seen.consistent > 0)
        #expect(KitReader.isWhole(folder))
    }

    /// A crash between staging a version and switching it in (or before the old one was removed)
    /// leaves a `.refkit-tmp-kit-*` folder; the start-up sweep removes it.
    @Test func aStagedVersionLeftByACrashIsRemovedAtStartUp() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let publisher = OutboxPublisher(outbox: outbox.path)
        let (files, manifest) = try Fixture.kit()
        let folder = try publisher.publish(folder: "mira", files: files, manifest: manifest)
        let crashed = "\(outbox.path)/.refkit-tmp-kit-crashed"
        try FileManager.default.createDirectory(atPath: "\(crashed)/expressions", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: "\(crashed)/expressions/smile.png", contents: Data([1, 2, 3]))
        #expect(publisher.removeStaleTemporaries(olderThan: 0) == 1)
        #expect(!FileManager.default.fileExists(atPath: crashed))
        #expect(KitReader.isWhole(folder))
    }
}
