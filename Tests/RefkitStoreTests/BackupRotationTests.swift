import Foundation
import RefkitStore
import Testing

@Suite("Backup names and rotation")
struct BackupRotationTests {
    @Test func namesAreUTCStampsThatSortInTimeOrder() {
        #expect(BackupRotation.fileName(at: Date(timeIntervalSince1970: 0)) == "refkit-19700101T000000Z.sqlite")
        #expect(BackupRotation.fileName(at: Date(timeIntervalSince1970: 1_796_650_245)) == "refkit-20261207T133045Z.sqlite")
        #expect(BackupRotation.isBackup("refkit-20261207T133045Z.sqlite"))
        for other in ["refkit.sqlite", "refkit-notes.sqlite", "refkit-20261207T121045Z.sqlite-wal", "refkit-2026120XT121045Z.sqlite"] {
            #expect(!BackupRotation.isBackup(other), "\(other)")
        }
    }

    @Test func keepRemovesTheOldestBackupsOnly() {
        let names = [
            "refkit-20261203T010000Z.sqlite", "notes.txt", "refkit-20261201T010000Z.sqlite", "refkit-20261202T010000Z.sqlite",
            "refkit-notes.sqlite",
        ]
        #expect(BackupRotation.toRemove(names: names, keep: 2) == ["refkit-20261201T010000Z.sqlite"])
        #expect(BackupRotation.toRemove(names: names, keep: 1) == ["refkit-20261201T010000Z.sqlite", "refkit-20261202T010000Z.sqlite"])
        #expect(BackupRotation.toRemove(names: names, keep: 5).isEmpty)
    }
}
