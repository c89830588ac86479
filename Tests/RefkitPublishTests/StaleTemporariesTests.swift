import Foundation
import Testing

@testable import RefkitPublish

@Suite("Crash leftovers")
struct StaleTemporariesTests {
    @Test("temp files older than a minute are removed, younger ones and other files kept")
    func removesOldOnly() throws {
        let outbox = try TemporaryDirectory()
        defer { outbox.remove() }
        let fm = FileManager.default
        try fm.createDirectory(atPath: outbox.path + "/mira/expressions", withIntermediateDirectories: true)
        let old = [outbox.path + "/mira/.refkit-tmp-a", outbox.path + "/mira/expressions/.refkit-tmp-b"]
        let young = outbox.path + "/mira/.refkit-tmp-c"
        let other = outbox.path + "/mira/.rsync-tmp"
        for path in old + [young, other] { #expect(fm.createFile(atPath: path, contents: Data([1, 2, 3]))) }
        let past = Date().addingTimeInterval(-120)
        for path in old + [other] { try fm.setAttributes([.modificationDate: past], ofItemAtPath: path) }

        // A symlinked folder is not walked into.
        let elsewhere = try TemporaryDirectory()
        defer { elsewhere.remove() }
        let outside = elsewhere.path + "/.refkit-tmp-outside"
        #expect(fm.createFile(atPath: outside, contents: Data([1])))
        try fm.setAttributes([.modificationDate: past], ofItemAtPath: outside)
        try fm.createSymbolicLink(atPath: outbox.path + "/link", withDestinationPath: elsewhere.path)

        let removed = OutboxPublisher(outbox: outbox.path).removeStaleTemporaries()
        #expect(removed == 2)
        for path in old { #expect(!fm.fileExists(atPath: path)) }
        #expect(fm.fileExists(atPath: young))
        #expect(fm.fileExists(atPath: other))
        #expect(fm.fileExists(atPath: outside))
    }
}
