/// A URL path `/files/KIT_FOLDER/REL/PATH`, decoded and checked to name a file strictly inside
/// a watch's outbox: every segment is decoded once and must then be a plain file or folder name.
/// A value: the server maps it onto the kit's outbox and opens it beneath that folder only.
public struct OutboxPath: Sendable, Equatable {
    /// Where the served files start.
    public static let prefix = "/files/"
    /// Longer paths are refused before decoding (PATH_MAX); longer names (NAME_MAX) too.
    public static let maxPathBytes = 4096
    public static let maxNameBytes = 255

    /// The kit's folder in the outbox (decoded).
    public let kitFolder: String
    /// The file's path inside the kit's folder, one decoded name per element (at least one).
    public let components: [String]

    /// Parses `path` (a request's path; a query or fragment after it is ignored).
    /// - Throws: `OutboxPathError` with the reason for anything that is not a plain file path.
    public init(urlPath: String) throws(OutboxPathError) {
        let path = urlPath.prefix { $0 != "?" && $0 != "#" }
        guard path.hasPrefix(Self.prefix) else { throw OutboxPathError(path: urlPath, reason: "files are served under \(Self.prefix)") }
        guard path.utf8.count <= Self.maxPathBytes else { throw OutboxPathError(path: urlPath, reason: "the path is too long") }
        let raw = path.dropFirst(Self.prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        var names: [String] = []
        for segment in raw {
            names.append(try Self.name(segment, in: urlPath))
        }
        guard names.count >= 2 else { throw OutboxPathError(path: urlPath, reason: "a kit's folder is not a file: name a file in it") }
        kitFolder = names[0]
        components = Array(names.dropFirst())
    }

    /// `KIT_FOLDER/REL/PATH`, relative to the outbox: what a beneath-only open takes.
    public var relativePath: String { ([kitFolder] + components).joined(separator: "/") }

    /// The file's absolute path in `outbox` (no trailing slash). Strictly inside it by construction.
    public func file(inOutbox outbox: String) -> String {
        (outbox.hasSuffix("/") ? String(outbox.dropLast()) : outbox) + "/" + relativePath
    }

    /// One segment, percent-decoded once, as a plain name: not empty, not `.` or `..` or hidden
    /// (publish's temporaries start with a dot), no `/`, `\`, `%`, NUL or other control character after
    /// decoding. A `%` left after one decoding is refused too: a proxy or server that decodes again
    /// would see different names than this check did.
    static func name(_ segment: Substring, in path: String) throws(OutboxPathError) -> String {
        func refuse(_ reason: String) -> OutboxPathError { OutboxPathError(path: path, reason: reason) }
        guard !segment.isEmpty else { throw refuse("an empty segment (// or a trailing /)") }
        guard let bytes = percentDecoded(segment) else { throw refuse("a malformed percent escape") }
        guard bytes.count <= maxNameBytes else { throw refuse("a name longer than \(maxNameBytes) bytes") }
        guard let name = String(validating: bytes, as: UTF8.self) else { throw refuse("a name that is not UTF-8") }
        if name == "." || name == ".." { throw refuse("\(name) segments (traversal)") }
        if name.hasPrefix(".") { throw refuse("hidden names") }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "/"): throw refuse("an encoded / inside a name")
            case UInt8(ascii: "\\"): throw refuse("a backslash")
            case UInt8(ascii: "%"): throw refuse("a % left after decoding (double encoding)")
            case 0: throw refuse("a NUL byte")
            case 1..<0x20, 0x7F: throw refuse("a control character")
            default: continue
            }
        }
        return name
    }

    /// `%XX` decoded; nil for a `%` without two hex digits after it.
    static func percentDecoded(_ text: Substring) -> [UInt8]? {
        var result: [UInt8] = []
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "%") else {
                result.append(byte)
                continue
            }
            guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else { return nil }
            result.append(high << 4 | low)
        }
        return result
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A `/files/` path that does not name a file inside the outbox, with the path and why.
public struct OutboxPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path) is not a file in the outbox: \(reason)" }
}
