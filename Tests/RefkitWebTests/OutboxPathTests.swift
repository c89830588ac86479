import Testing

@testable import RefkitWeb

@Suite("Outbox path rule")
struct OutboxPathTests {
    @Test func aPlainPathMapsInsideTheOutbox() throws {
        let path = try OutboxPath(urlPath: "/files/Mira%20Kit-3/expressions/smile.png?v=2")
        #expect(path.kitFolder == "Mira Kit-3")
        #expect(path.components == ["expressions", "smile.png"])
        #expect(path.relativePath == "Mira Kit-3/expressions/smile.png")
        #expect(path.file(inOutbox: "/srv/refkit/outbox/") == "/srv/refkit/outbox/Mira Kit-3/expressions/smile.png")
        #expect(try OutboxPath(urlPath: "/files/k/caf%C3%A9.png").components == ["café.png"])
        #expect(try OutboxPath(urlPath: "/files/k/a..b.png").components == ["a..b.png"])
    }

    @Test(arguments: [
        "/files/../etc/passwd", "/files/k/../../etc/passwd", "/files/k/./front.png", "/files/%2e%2e/etc/passwd",
        "/files/k/%2E%2e/x", "/files/k/.%2e/x", "/files/k/%2e/x", "/files//etc/passwd", "/files/k//x", "/files/k/x/",
        "/files/k%2f..%2f..%2fetc/passwd", "/files/k/a%2Fb", "/files/k/a%5c..%5cb", "/files/k/a\\b", "/files/k/a%00.png",
        "/files/k/a%0a.png", "/files/k/%252e%252e/x", "/files/k/%zz", "/files/k/%4", "/files/k/.refkit-tmp-abc",
        "/files/k/%ff%fe", "/files/k", "/files/", "/file/k/x", "/etc/passwd", "files/k/x", "/files/k/a%7f",
    ])
    func traversalAndOddNamesAreRefused(_ urlPath: String) {
        #expect(throws: OutboxPathError.self, "\(urlPath)") { try OutboxPath(urlPath: urlPath) }
    }

    @Test func errorsNameThePathAndTheReason() {
        do {
            _ = try OutboxPath(urlPath: "/files/k/%2e%2e/secret")
            Issue.record("accepted")
        } catch {
            #expect(error.description == "/files/k/%2e%2e/secret is not a file in the outbox: .. segments (traversal)")
        }
    }

    @Test func overlongPathsAndNamesAreRefused() throws {
        let longName = String(repeating: "a", count: 256)
        #expect(throws: OutboxPathError.self) { try OutboxPath(urlPath: "/files/k/\(longName)") }
        #expect(throws: OutboxPathError.self) {
            try OutboxPath(urlPath: "/files/k/" + Array(repeating: "abcdefgh", count: 600).joined(separator: "/"))
        }
        #expect(try OutboxPath(urlPath: "/files/k/\(longName.dropLast())").components.count == 1)
    }
}
