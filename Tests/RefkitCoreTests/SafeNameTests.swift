import Foundation
import RefkitDigest
import Testing

@testable import RefkitCore

@Suite("SafeName")
struct SafeNameTests {
    @Test(
        "slugs",
        arguments: [
            ("Mira Vale", "mira-vale"),
            ("../etc/passwd", "etc-passwd"),
            ("../../", "kit"),
            (".hidden", "hidden"),
            ("--a--b--", "a-b"),
            ("A1_B2", "a1-b2"),
            ("Zoë Ångström", "zo-ngstr-m"),
            ("漢字", "kit"),
            ("😀", "kit"),
            ("", "kit"),
            ("   ", "kit"),
            ("kit/../../x", "kit-x"),
            ("CON.txt", "con-txt"),
        ])
    func slug(_ name: String, expected: String) {
        let slug = SafeName.slug(name)
        #expect(slug == expected)
        #expect(SafeName.isSafeIdentifier(slug))
    }

    @Test func slugIsBounded() {
        #expect(SafeName.slug(String(repeating: "a", count: 500)) == String(repeating: "a", count: 80))
        // A cut that lands on a dash drops it.
        let cut = SafeName.slug(String(repeating: "b", count: 79) + " tail")
        #expect(cut == String(repeating: "b", count: 79))
        #expect(SafeName.slug(String(repeating: "ab ", count: 100)).count <= 80)
        #expect(!SafeName.slug(String(repeating: "ab ", count: 100)).hasSuffix("-"))
    }

    @Test(
        "kit names",
        arguments: [
            ("mira", true), ("Mira Vale 2.0", true), ("a_b-c.d", true), ("9lives", true),
            ("", false), (".hidden", false), ("-dash", false), (" space", false), ("_under", false),
            ("a..b", false), ("../x", false), ("a/b", false), ("a\\b", false), ("Zoë", false), ("漢字", false),
            ("a\u{0}b", false), ("a\nb", false), ("a:b", false), ("a*", false),
            (String(repeating: "k", count: 100), true), (String(repeating: "k", count: 101), false),
        ])
    func kitName(_ name: String, safe: Bool) {
        #expect(SafeName.isSafeKitName(name) == safe)
    }

    @Test(
        "identifiers",
        arguments: [
            ("smile", true), ("a-b_c", true), ("A9", true), ("_a", false), ("-a", false), ("a b", false), ("a.b", false),
            ("", false), ("é", false), (String(repeating: "i", count: 64), true), (String(repeating: "i", count: 65), false),
        ])
    func identifier(_ name: String, safe: Bool) {
        #expect(SafeName.isSafeIdentifier(name) == safe)
    }

    @Test(
        "kit names from file stems",
        arguments: [
            ("mira", "mira"),
            ("Mira Vale", "Mira Vale"),
            ("../evil", "evil"),
            ("....x", "x"),
            ("a..b", "a.b"),
            ("a...b", "a.b"),
            (".hidden", "hidden"),
            ("Zoë", "Zo-"),
            ("漢字", "kit"),
            ("", "kit"),
            ("---", "kit"),
            ("IMG 0001 (1)", "IMG 0001 -1-"),
            ("a/b\\c", "a-b-c"),
            ("x\u{0}y", "x-y"),
        ])
    func kitNameFromStem(_ stem: String, expected: String) {
        let name = SafeName.kitName(fromStem: stem)
        #expect(name == expected)
        #expect(SafeName.isSafeKitName(name), "\(name)")
    }

    @Test func kitNameFromLongStemIsCut() {
        let name = SafeName.kitName(fromStem: String(repeating: "long", count: 60))
        #expect(name.count == 100)
        #expect(SafeName.isSafeKitName(name))
        let dotty = SafeName.kitName(fromStem: String(repeating: "é.", count: 200))
        #expect(SafeName.isSafeKitName(dotty) || dotty == "kit")
    }

    @Test func kitNameFromStemIsAlwaysSafe() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09 ._-/\\:..é漢😀\u{0}\n\t~$*?")
        for _ in 0..<2000 {
            let stem = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let name = SafeName.kitName(fromStem: stem)
            #expect(SafeName.isSafeKitName(name), "stem \(stem.debugDescription) gave \(name.debugDescription)")
        }
    }
}

@Suite("SHA256Digest")
struct SHA256Tests {
    @Test(
        "known vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
        ])
    func vectors(_ input: String, hex: String) {
        #expect(SHA256Digest.hex(of: Array(input.utf8)) == hex)
    }

    @Test func streamingEqualsOneShot() {
        let digest = SHA256Digest()
        digest.update(Array("a".utf8))
        digest.update([])
        digest.update(Array("bc".utf8))
        #expect(digest.finalizeHex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func millionAs() {
        let digest = SHA256Digest()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { digest.update(chunk) }
        #expect(digest.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite("Timestamp")
struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1_700_000_000.5)) == "2023-11-14T22:13:20.500Z")
        #expect(Timestamp.string(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.day(Date(timeIntervalSince1970: 1_700_000_000.5)) == "2023-11-14")
    }

    @Test func currentTimeHasTheShape() {
        let s = Timestamp.string()
        #expect(s.count == 24)
        #expect(s.hasSuffix("Z"))
        #expect(s.dropFirst(10).first == "T")
    }
}

@Suite("RefkitError and KitStatus")
struct RefkitErrorTests {
    @Test func description() {
        #expect(RefkitError(.orderWrongType, "wrong type", detail: "$.kit").description == "order_wrong_type: wrong type ($.kit)")
        #expect(RefkitError(.x, "y").description == "x: y")
    }

    @Test func finishedStates() {
        #expect(KitStatus.allCases.filter(\.isFinished) == [.complete, .partial, .failed])
        #expect(KitStatus.awaitingSelection.rawValue == "awaiting_selection")
    }
}
