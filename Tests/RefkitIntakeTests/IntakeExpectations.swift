import Foundation
import RefkitCore
import RefkitDigest
import RefkitIntake
import RefkitStore
import RefkitTestSupport
import Testing

/// Checks shared by the intake tests.
enum IntakeExpectations {
    /// Every image was taken exactly once: one source and one kit each, its original stored
    /// under its sha256 with the same bytes, no claim rejected, the inbox empty.
    static func takenOnce(
        _ images: [String: [UInt8]], by harness: IntakeHarness, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let db = harness.database
        #expect(try harness.count("SELECT count(*) FROM sources") == images.count, sourceLocation: sourceLocation)
        #expect(try harness.count("SELECT count(*) FROM kits") == images.count, sourceLocation: sourceLocation)
        #expect(try harness.claims(state: "accepted") == images.count, sourceLocation: sourceLocation)
        #expect(try harness.count("SELECT count(*) FROM intake_claims WHERE state != 'accepted'") == 0, sourceLocation: sourceLocation)
        #expect(await harness.intake.accepted == images.count, sourceLocation: sourceLocation)
        #expect(await harness.intake.rejected == 0, sourceLocation: sourceLocation)
        #expect(await harness.intake.duplicates == 0, sourceLocation: sourceLocation)
        #expect(FileFixtures.names(in: harness.rejected).isEmpty, "nothing rejected", sourceLocation: sourceLocation)
        #expect(harness.inboxIsEmpty, "inbox left with \(FileFixtures.names(in: harness.inbox))", sourceLocation: sourceLocation)
        for (name, bytes) in images {
            let sha = SHA256Digest.hex(of: bytes)
            let source = try db.source(sha256: sha)
            #expect(source != nil, "no source for \(name)", sourceLocation: sourceLocation)
            guard let source else { continue }
            #expect(source.originalName == (name as NSString).lastPathComponent, sourceLocation: sourceLocation)
            #expect(source.bytes == Int64(bytes.count), sourceLocation: sourceLocation)
            #expect(source.storedPath.hasPrefix("originals/"), sourceLocation: sourceLocation)
            let stored = "\(harness.configuration.stateDir)/\(source.storedPath)"
            #expect(FileFixtures.sha256(stored) == sha, "original of \(name) at \(stored)", sourceLocation: sourceLocation)
        }
    }

    /// The drop sits in `rejected/` as the same kind of entry (same bytes for a file, same
    /// target for a link), with its report (`NAME.error.json`, shortened for a long name) holding code, message, detail, file and at.
    static func rejected(
        _ name: String, code: String, kind: FileFixtures.Kind, bytes: [UInt8]?, in rejected: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let path = "\(rejected)/\(name)"
        #expect(FileFixtures.kind(path) == kind, "\(name) kept in rejected/ as \(kind)", sourceLocation: sourceLocation)
        if let bytes {
            // Compared by hash so a failure does not print the bytes.
            #expect(FileFixtures.sha256(path) == SHA256Digest.hex(of: bytes), "\(name) kept byte for byte", sourceLocation: sourceLocation)
        }
        let report = try errorReport("\(rejected)/\(RejectedName.report(for: name))")
        #expect(report?["code"] as? String == code, "\(name): error.json \(report ?? [:])", sourceLocation: sourceLocation)
        #expect(report.map { Set($0.keys) } == ["code", "message", "detail", "file", "at"], sourceLocation: sourceLocation)
        #expect(report?["file"] as? String == name, sourceLocation: sourceLocation)
        #expect((report?["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect((report?["at"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    }

    static func errorReport(_ path: String) throws -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any]
    }
}
