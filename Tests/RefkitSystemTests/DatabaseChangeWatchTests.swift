import Foundation
import RefkitSystem
import RefkitTestSupport
import Testing

@Suite("Database change watch", .timeLimit(.minutes(1)))
struct DatabaseChangeWatchTests {
    @Test("a write to the WAL wakes it; other files in the state directory do not")
    func walWrite() async throws {
        let dir = try TemporaryDirectory("db-watch")
        let (changes, change) = AsyncStream.makeStream(of: Void.self)
        let watch = DatabaseChangeWatch(stateDir: dir.path) { change.yield() }
        defer { watch.stop() }
        // Not the database: no call. The WAL after it: one call, which the stream sees first.
        try FileFixtures.write("x", to: "\(dir.path)/notes.txt")
        try FileFixtures.write("commit", to: StateLayout(root: dir.path).databaseWAL)
        var iterator = changes.makeAsyncIterator()
        #expect(await iterator.next() != nil)
    }

    @Test("stop() ends the thread at once, however long it has been idle")
    func stopIsPrompt() async throws {
        let dir = try TemporaryDirectory("db-watch")
        let (changes, change) = AsyncStream.makeStream(of: Void.self)
        let watch = DatabaseChangeWatch(stateDir: dir.path) { change.yield() }
        // Proof that the thread is blocked in its wait (it saw a commit and went back to waiting).
        try FileFixtures.write("commit", to: StateLayout(root: dir.path).databaseWAL)
        var iterator = changes.makeAsyncIterator()
        #expect(await iterator.next() != nil)
        let clock = ContinuousClock()
        let took = clock.measure { watch.stop() }
        #expect(took < .seconds(1), "stop() took \(took)")
        watch.stop()  // a second stop returns too
    }
}
