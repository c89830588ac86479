import Foundation
import RefkitTestSupport
import Testing

@testable import RefkitWeb

#if canImport(Glibc)
import Glibc
#endif

@Suite("Web token")
struct WebTokenTests {
    @Test func aNewTokenIs32RandomBytesInHex() {
        let a = WebToken.random()
        let b = WebToken.random()
        #expect(a.value.count == 64)
        #expect(a.value.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(a != b)
    }

    @Test func onlyLongURLSafeTokensAreAccepted() {
        #expect(WebToken(" \(String(repeating: "x", count: 32))\n")?.value == String(repeating: "x", count: 32))
        #expect(WebToken("Az09-_.~Az09-_.~Az09-_.~Az09-_.~") != nil)
        #expect(WebToken(String(repeating: "x", count: 31)) == nil)
        #expect(WebToken(String(repeating: "x", count: 257)) == nil)
        #expect(WebToken(String(repeating: "x", count: 31) + ";") == nil)
        #expect(WebToken(String(repeating: "x", count: 16) + " " + String(repeating: "x", count: 16)) == nil)
        #expect(WebToken("") == nil)
    }

    @Test func comparisonNeedsEveryByte() {
        let token = WebToken(String(repeating: "ab", count: 32))!
        #expect(token.matches(String(repeating: "ab", count: 32)))
        #expect(!token.matches(String(repeating: "ab", count: 31) + "aa"))
        #expect(!token.matches("ba" + String(repeating: "ab", count: 31)))
        #expect(!token.matches(String(repeating: "ab", count: 32) + "a"))
        #expect(!token.matches(""))
        #expect(WebToken.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!WebToken.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!WebToken.constantTimeEqual([1, 2], [1, 2, 3]))
    }

    @Test func groupOrOtherBitsAreRefusedNamingTheMode() {
        #expect(WebToken.modeProblem(0o100600) == nil)
        #expect(WebToken.modeProblem(0o100400) == nil)
        #expect(WebToken.modeProblem(0o100644)?.contains("mode is 0644") == true)
        #expect(WebToken.modeProblem(0o100620) != nil)
        #expect(WebToken.modeProblem(0o100602) != nil)
    }

    @Test func theFileIsMade0600OnceAndReadAfter() throws {
        let dir = try TemporaryDirectory("webtoken")
        let path = dir.url("state/sub/web-token")
        let made = try WebToken.loadOrCreate(at: path)
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        #expect(FileFixtures.read(path).map { String(decoding: $0, as: UTF8.self) } == made.value + "\n")
        #expect(try WebToken.loadOrCreate(at: path) == made)
        #expect(try WebToken.load(at: path) == made)
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url("state/sub")) == ["web-token"])
    }

    @Test func aTokenAnotherProcessWroteIsKept() throws {
        let dir = try TemporaryDirectory("webtoken")
        let path = dir.url("web-token")
        let own = String(repeating: "k", count: 40)
        #expect(FileManager.default.createFile(atPath: path, contents: Data("\(own)\n".utf8), attributes: [.posixPermissions: 0o600]))
        #expect(try WebToken.loadOrCreate(at: path).value == own)
        #expect(try WebToken.load(at: dir.url("missing")) == nil)
    }

    @Test func unsafeOrBrokenFilesAreRefusedNamingTheFile() throws {
        let dir = try TemporaryDirectory("webtoken")
        let token = String(repeating: "k", count: 40)
        let open = dir.url("open")
        #expect(FileManager.default.createFile(atPath: open, contents: Data(token.utf8), attributes: [.posixPermissions: 0o644]))
        let short = dir.url("short")
        #expect(FileManager.default.createFile(atPath: short, contents: Data("abc".utf8), attributes: [.posixPermissions: 0o600]))
        let link = dir.url("link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: short)
        let folder = try dir.folder("folder")
        for (path, reason) in [
            (open, "its mode is 0644, readable or writable by group or others"), (short, "does not hold a token"),
            (link, "is a symbolic link"), (folder, "is not a regular file"),
        ] {
            do {
                _ = try WebToken.loadOrCreate(at: path)
                Issue.record("\(path) was accepted")
            } catch {
                #expect(error.file == path)
                #expect(error.reason.contains(reason), "\(error)")
                #expect(error.description.hasPrefix("web token \(path): "))
            }
        }
        // A refused file is left as it was: refkit never replaces an operator's file.
        #expect(FileFixtures.read(open).map { String(decoding: $0, as: UTF8.self) } == token)
    }

    @Test func creatorsRacingEndWithOneToken() async throws {
        let dir = try TemporaryDirectory("webtoken")
        let path = dir.url("web-token")
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await offPool { try WebToken.loadOrCreate(at: path).value } } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(tokens.count == 1)
        #expect(try WebToken.load(at: path)?.value == tokens.first)
    }
}
