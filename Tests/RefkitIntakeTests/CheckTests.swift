import Foundation
import RefkitCore
import RefkitImaging
import RefkitIntake
import RefkitTestSupport
import RefkitWatch
import Testing

#if canImport(Glibc)
import Glibc
import RefkitDigest
#endif

/// `refkit check`'s engine: the same `Inspector` judges files where they are, gives the
/// daemon's codes, and moves nothing.
@Suite("Intake: check without processing", .timeLimit(.minutes(1)))
struct CheckTests {
    /// An entry as the watcher would report it, from `lstat`.
    static func entry(_ path: String, relativeTo root: String) throws -> InboxEntry {
        guard let entry = InboxEntry.at(path: path, relativePath: String(path.dropFirst(root.count + 1)), watch: "check") else {
            throw FixtureError("lstat \(path)")
        }
        return entry
    }

    @Test("Inspector gives each bad input the daemon's code and leaves every file in place")
    func sameCodesNothingMoved() throws {
        let directory = try TemporaryDirectory("check")
        let folders = try IntakeFolders(in: directory)
        let inspector = try Inspector(limits: IntakeLimits(maxSourceBytes: BadDrops.maxSourceBytes))
        var made: [String: [UInt8]?] = [:]
        for drop in BadDrops.all { made[drop.name] = try drop.make(folders.inbox, folders.outside) }
        let before = FileFixtures.names(in: folders.inbox)
        let spies = try BadDrops.foreignTargets.map { try OpenSpy(watching: "\(folders.outside)/\($0)") }

        for drop in BadDrops.all {
            let verdict = inspector.inspect(try Self.entry("\(folders.inbox)/\(drop.name)", relativeTo: folders.inbox))
            guard case .rejected(let error) = verdict else {
                Issue.record("\(drop.name): expected \(drop.code), got \(verdict)")
                continue
            }
            #expect(error.code.rawValue == drop.code, "\(drop.name): \(error)")
        }
        for spy in spies { #expect(spy.opens() == 0, "\(spy.path) was opened") }

        #expect(FileFixtures.names(in: folders.inbox) == before, "nothing moved")
        #expect(FileFixtures.names(in: folders.rejected).isEmpty)
        for drop in BadDrops.all {
            let path = "\(folders.inbox)/\(drop.name)"
            #expect(FileFixtures.kind(path) == drop.kind, "\(drop.name) still there")
            if let bytes = made[drop.name] ?? nil {
                #expect(FileFixtures.sha256(path) == SHA256Digest.hex(of: bytes), "\(drop.name) unchanged")
            }
        }
    }

    @Test("a valid order and valid images pass the check")
    func validInputs() throws {
        let directory = try TemporaryDirectory("check")
        let folders = try IntakeFolders(in: directory)
        let inspector = try Inspector(limits: IntakeLimits())
        let lonely = try BadDrops.lonelyOrder.make(folders.inbox, folders.outside)
        #expect(lonely != nil)
        if case .order(let order, _) = inspector.inspect(try Self.entry("\(folders.inbox)/lonely.json", relativeTo: folders.inbox)) {
            #expect(order.stages == .profile(.core))
        } else {
            Issue.record("lonely.json is a valid order on its own")
        }
        for format in ["jpeg", "png", "webp", "heif", "avif"] {
            let bytes = try ImageFixtures.image(format, seed: 61)
            let path = "\(folders.inbox)/ok-\(format).\(format)"
            try FileFixtures.write(bytes, to: path)
            let verdict = inspector.inspect(try Self.entry(path, relativeTo: folders.inbox))
            guard case .image(let facts, let read) = verdict else {
                Issue.record("\(format): \(verdict)")
                continue
            }
            #expect(read.count == bytes.count && SHA256Digest.hex(of: read) == SHA256Digest.hex(of: bytes))
            #expect(facts.sha256 == SHA256Digest.hex(of: bytes))
            #expect(facts.width == 64 && facts.height == 48)
            #expect(FileFixtures.exists(path))
        }
    }
}

extension CheckTests {
    @Test("a long thin image is rejected by its aspect ratio before any decode; max_aspect_ratio sets the limit")
    func aspectRatio() throws {
        let strip = try ImageOps.synthesize(width: 8, height: 16000, seed: 9, format: "png")
        guard case .rejected(let error) = try Inspector(limits: IntakeLimits()).inspectImage(strip) else {
            Issue.record("a 10x30000 strip was taken")
            return
        }
        #expect(error.code.rawValue == "source_aspect_ratio")
        #expect(error.detail.contains("8x16000"))
        let banner = try ImageOps.synthesize(width: 1500, height: 100, seed: 9, format: "png")
        guard case .image = try Inspector(limits: IntakeLimits()).inspectImage(banner) else {
            Issue.record("15:1 is within the default 20:1")
            return
        }
        guard case .rejected = try Inspector(limits: IntakeLimits(maxAspectRatio: 10)).inspectImage(banner) else {
            Issue.record("15:1 passed a 10:1 limit")
            return
        }
    }
}
