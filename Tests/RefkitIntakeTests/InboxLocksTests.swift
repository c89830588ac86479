import Foundation
import RefkitConfig
import RefkitCore
import RefkitIntake
import RefkitTestSupport
import Testing

/// The inbox lock registry itself: a second registry (another daemon) is refused and told whose
/// the inbox is, a registry keeps what it holds across claims (a reload), and a release frees it.
@Suite("Intake: inbox locks", .timeLimit(.minutes(1)))
struct InboxLocksTests {
    static func watches(_ dir: TemporaryDirectory, _ names: [String]) throws -> [Configuration.Watch] {
        let text = names.map { "[[watch]]\nname = \"\($0)\"\ninbox = \"in-\($0)\"\noutbox = \"out\"\n" }.joined()
        return try ConfigurationLoader.parse(text: text, file: "\(dir.path)/refkit.toml", relativeTo: dir.path).watches
    }

    @Test func aSecondRegistryIsRefusedWithTheHoldersStateDirectory() throws {
        let dir = try TemporaryDirectory("inbox-locks")
        let watches = try Self.watches(dir, ["a"])
        let first = InboxLocks(stateDir: "/state/one")
        try first.claim(watches)
        try first.claim(watches)  // a reload that keeps the inbox asks nothing again
        let second = InboxLocks(stateDir: "/state/two")
        do {
            try second.claim(watches)
            Issue.record("a second registry took a held inbox")
        } catch {
            #expect(error.code == .inboxLocked)
            #expect(error.detail.contains("/state/one"))
        }
        first.release(keeping: [])
        try second.claim(watches)
        #expect(second.isHeld((watches[0].inbox as NSString).standardizingPath))
    }

    @Test func aRefusedClaimReleasesWhatItTookAndChangesNothing() throws {
        let dir = try TemporaryDirectory("inbox-locks")
        let both = try Self.watches(dir, ["a", "b"])
        let holder = InboxLocks(stateDir: "/state/one")
        try holder.claim([both[1]])
        let other = InboxLocks(stateDir: "/state/two")
        #expect(throws: RefkitError.self) { try other.claim(both) }
        let inboxes = both.map { ($0.inbox as NSString).standardizingPath }
        #expect(!other.isHeld(inboxes[0]) && !other.isHeld(inboxes[1]))
        // The inbox the refused claim took first is free again for a third daemon.
        try InboxLocks(stateDir: "/state/three").claim([both[0]])
    }
}
