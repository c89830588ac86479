import RefkitCore
import Testing

@Suite("Typed error codes") struct ErrorCodeTests {
    @Test func aCodeIsItsWireStringAndNamesItsFamily() {
        let code = RefkitError.Code.diskFull
        #expect(code.rawValue == "disk_full")
        #expect("\(code)" == "disk_full")
        #expect(RefkitError(.providerInvalidImage, "x").code.family == "provider")
        #expect(RefkitError.Code(rawValue: "database_lost").family == "database")
        #expect(RefkitError(.sourceCorrupt, "unreadable", detail: "a.png").description == "source_corrupt: unreadable (a.png)")
    }

    @Test func codesFromElsewhereCompareByTheirString() {
        #expect(RefkitError.Code(rawValue: "stage_withdrawn") == .stageWithdrawn)
        #expect(RefkitError.Code(rawValue: "disk_full") != .stateUnwritable)
    }
}
