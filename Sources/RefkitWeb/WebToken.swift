import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The secret every web request carries (a bearer header or the login cookie): 32 random
/// bytes as 64 hex digits, kept in `[web] token_file` (mode 0600), made at first start.
public struct WebToken: Sendable, Equatable, CustomStringConvertible {
    /// The token's text as it goes into a URL, a cookie or a header (never logged).
    public let value: String

    /// A token read from a file or a header; nil when `text` (trimmed) is not
    /// `acceptableLength` characters of A-Z a-z 0-9 - _ . ~, which go into a URL and a cookie unescaped.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Self.acceptableLength.contains(trimmed.utf8.count), trimmed.utf8.allSatisfy(Self.isTokenByte) else { return nil }
        value = trimmed
    }

    /// 32 bytes from the system's cryptographic generator (getrandom on Linux), as hex.
    public static func random() -> WebToken {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<32).map { _ in
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            return String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16)
        }
        return WebToken(hex.joined())!
    }

    /// A token an operator writes by hand may be other than hex, but not short: 32 characters at least.
    public static let acceptableLength = 32...256

    /// Never the secret itself: a token in a log line or an error would defeat it.
    public var description: String { "WebToken(\(value.utf8.count) characters)" }

    /// True when `candidate` is this token, in a time that does not depend on where they differ
    /// (only on the length, which is not secret: the generated one is always 64).
    public func matches(_ candidate: String) -> Bool {
        Self.constantTimeEqual(Array(value.utf8), Array(candidate.utf8))
    }

    /// Compares every byte whatever the earlier ones were: no early exit to time.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"): true
        default: false
        }
    }

    /// Why a token file with these permission bits is refused, or nil: any bit for group or
    /// others lets another local user read (or replace) the key to every kit.
    public static func modeProblem(_ mode: mode_t) -> String? {
        guard mode & 0o077 != 0 else { return nil }
        return "its mode is \(String(mode & 0o7777, radix: 8).leftPadded(to: 4)), readable or writable by group or others "
            + "(chmod 600 it, or delete it and refkit makes a new one)"
    }
}

/// The token file could not be read, made or trusted; names the file and the reason.
public struct WebTokenError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var reason: String

    public var description: String { "web token \(file): \(reason)" }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
