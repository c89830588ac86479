import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

/// Opening checked: a sound database opens, a file that is not one is `database_damaged` at once.
@Suite("Store: opened checked")
struct SoundnessTests {
    @Test func aNewDatabaseOpensAndIsSound() throws {
        let dir = try TemporaryDirectory("store-sound")
        let database = try RefkitDatabase.openChecked(path: "\(dir.path)/refkit.sqlite")
        try database.checkSound()
    }

    @Test func aFileThatIsNotADatabaseIsDamaged() throws {
        let dir = try TemporaryDirectory("store-sound")
        let path = "\(dir.path)/refkit.sqlite"
        try FileFixtures.write([UInt8](repeating: 0x5A, count: 8192), to: path)
        do {
            _ = try RefkitDatabase.openChecked(path: path)
            Issue.record("a file of garbage opened as a database")
        } catch {
            #expect(error.code == .databaseDamaged)
            #expect(error.detail.hasPrefix(path))
        }
    }
}
