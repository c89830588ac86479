import RefkitCore
import Testing

@testable import RefkitImaging

/// The colours of the QA badges the studio sheet draws and the gallery copies (where they go on
/// the sheet: `StudioSheetLayoutTests`, `StudioSheetDrawingTests`).
@Suite("QA badges on the contact sheet")
struct ContactSheetBadgeTests {
    @Test("pass is green, warn amber, fail red, each with its word; a skipped reference has no badge")
    func colours() throws {
        let pass = try #require(ContactSheetBadge(.pass))
        let warn = try #require(ContactSheetBadge(.warn))
        let fail = try #require(ContactSheetBadge(.fail))
        #expect(ContactSheetBadge(.skipped) == nil)
        #expect([pass.word, warn.word, fail.word] == ["PASS", "WARN", "FAIL"])
        #expect(pass.fill.green > pass.fill.red && pass.fill.green > pass.fill.blue)
        #expect(fail.fill.red > 2 * fail.fill.green && fail.fill.red > 2 * fail.fill.blue)
        #expect(warn.fill.red > warn.fill.blue && warn.fill.green > warn.fill.blue)
        for badge in [pass, warn, fail] {
            let contrast = abs(badge.fill.red + badge.fill.green + badge.fill.blue - badge.ink.red - badge.ink.green - badge.ink.blue)
            #expect(contrast > 200, "\(badge.word) is legible")
        }
    }
}
