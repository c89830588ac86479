import Testing

@testable import RefkitCore

@Suite("Shell words")
struct ShellWordTests {
    @Test func quotesWhatAShellWouldSplitOrExpand() {
        #expect(ShellWord.quoted("mira-2.v1") == "mira-2.v1")
        #expect(ShellWord.quoted("pick me") == "'pick me'")
        #expect(ShellWord.quoted("it's") == #"'it'\''s'"#)
        #expect(ShellWord.quoted("$HOME") == "'$HOME'")
        #expect(ShellWord.quoted("") == "''")
        #expect(ShellWord.quoted("naïve") == "'naïve'")
        #expect(ShellWord.command(["refkit", "select", "pick me"]) == "refkit select 'pick me'")
    }
}
