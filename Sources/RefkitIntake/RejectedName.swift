import RefkitCore
import RefkitDigest

/// Names in `rejected/`: the entry keeps its own name (the first free one of `NAME`,
/// `STEM.2.EXT`, `STEM.3.EXT`, …) and its report is `NAME.error.json`. Every name fits the
/// file system's limit of 255 bytes: a report (or a numbered variant) that would not is
/// shortened deterministically, at a character boundary, with a hash of the whole name so
/// that two long names never share a report; the report's `file` field keeps the whole name.
public enum RejectedName {
    /// The longest file name (in bytes) Linux file systems take.
    public static let maxBytes = 255
    static let reportSuffix = ".error.json"

    /// The report's name for an entry called `fileName`.
    public static func report(for fileName: String) -> String {
        fit(fileName, suffix: reportSuffix)
    }

    /// Candidate `n` (1 is the name itself) for an entry called `name`.
    public static func numbered(_ name: String, _ n: Int) -> String {
        guard n > 1 else { return name }
        let dot = name.lastIndex(of: ".").flatMap { $0 == name.startIndex ? nil : $0 }
        guard let dot else { return fit(name, suffix: ".\(n)") }
        let ext = String(name[dot...])
        return fit(String(name[..<dot]), suffix: ".\(n)\(ext)")
    }

    /// Candidate `n` for a name given as bytes (not necessarily UTF-8), within 255 bytes.
    public static func numbered(bytes name: [UInt8], _ n: Int) -> [UInt8] {
        guard n > 1 else { return name }
        let dot = name.lastIndex(of: 0x2e).flatMap { $0 == 0 ? nil : $0 }
        let (stem, ext) = dot.map { (Array(name[..<$0]), Array(name[$0...])) } ?? (name, [])
        let suffix = Array(".\(n)".utf8) + ext
        return Array(stem.prefix(maxBytes - suffix.count)) + suffix
    }

    /// `base + suffix`, or when that is too long: `base` cut to fit + `~` + 12 hex digits of the
    /// hash of `base` + `suffix`.
    static func fit(_ base: String, suffix: String) -> String {
        if base.utf8.count + suffix.utf8.count <= maxBytes { return base + suffix }
        let tag = "~" + String(SHA256Digest.hex(of: Array(base.utf8)).prefix(12))
        let room = maxBytes - suffix.utf8.count - tag.utf8.count
        var cut = ""
        var used = 0
        for character in base {
            let size = character.utf8.count
            if used + size > room { break }
            cut.append(character)
            used += size
        }
        return cut + tag + suffix
    }
}
