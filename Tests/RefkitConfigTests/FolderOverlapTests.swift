import Foundation
import RefkitTestSupport
import Testing

@testable import RefkitConfig

/// The state directory, outboxes and `rejected/` folders never overlap an inbox, as written or
/// through a symlink: refused at start-up with the file and line.
@Suite("Configuration: folder overlaps")
struct FolderOverlapTests {
    static let cases: [BadConfig] = [
        BadConfig(
            name: "inbox inside the state directory",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"state/inbox\" #!\noutbox = \"/b/out\""),
            key: "watch[1].inbox", message: "is inside the state directory"),
        BadConfig(
            name: "state directory inside an inbox",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/etc/refkit\" #!\noutbox = \"/b/out\""),
            key: "watch[1].inbox", message: "holds the state directory"),
        BadConfig(
            name: "inbox equal to the state directory",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/etc/refkit/state\" #!\noutbox = \"/b/out\""),
            key: "watch[1].inbox", message: "state directory"),
    ]

    @Test("overlaps name the inbox's line", arguments: cases)
    func overlapsAreRefused(_ bad: BadConfig) throws {
        let error = try #require(configError(bad.text))
        #expect(error.key == bad.key)
        #expect(error.line == bad.markedLine, "\(error)")
        #expect(error.message.contains(bad.message), "\(error.message)")
        #expect(error.description.hasPrefix("/etc/refkit/refkit.toml:\(bad.markedLine ?? 0): "))
    }

    @Test("an inbox that is a symlink into the state directory is refused")
    func symlinkedInboxIntoState() throws {
        let dir = try TemporaryDirectory("overlap")
        let state = try dir.folder("state")
        try dir.folder("state/drop")
        try FileFixtures.makeSymlink(at: dir.url("inbox"), to: "\(state)/drop")
        let text = "state_dir = \"state\"\n[[watch]]\nname = \"w\"\ninbox = \"inbox\"\noutbox = \"out\"\n"
        let error = try #require(configError(text, file: dir.url("refkit.toml"), base: dir.path))
        #expect(error.key == "watch[0].inbox")
        #expect(error.line == 4)
        #expect(error.message.contains("inside the state directory"))
    }

    @Test("an outbox reached through a symlink into the inbox is refused")
    func symlinkedOutboxIntoInbox() throws {
        let dir = try TemporaryDirectory("overlap")
        let inbox = try dir.folder("inbox")
        try FileFixtures.makeSymlink(at: dir.url("out"), to: "\(inbox)/kits")
        let text = "state_dir = \"state\"\n[[watch]]\nname = \"w\"\ninbox = \"inbox\"\noutbox = \"out\"\n"
        let error = try #require(configError(text, file: dir.url("refkit.toml"), base: dir.path))
        #expect(error.key == "watch[0].inbox")
        #expect(error.message.contains("holds the outbox folder"))
    }
}
