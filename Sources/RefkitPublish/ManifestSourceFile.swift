import RefkitCore

/// One of the images a kit's character was made from (issue 17 item 1), as the manifest's
/// `sources` lists them, the primary first: `source.jpg`, then `sources/2.jpg`, `sources/3.jpg`, …
public struct ManifestSourceFile: Sendable, Equatable {
    /// The published normalised copy, relative to the kit folder.
    public var file: String
    /// The file name the user dropped (`mira-2.jpg`).
    public var originalName: String
    /// Size in bytes of the image as dropped.
    public var bytes: Int64
    /// SHA-256 of the image as dropped: what a re-drop is recognised by.
    public var sha256: String
    /// SHA-256 of the published `file`.
    public var fileSHA256: String

    public init(file: String, originalName: String, bytes: Int64, sha256: String, fileSHA256: String) {
        self.file = file
        self.originalName = originalName
        self.bytes = bytes
        self.sha256 = sha256
        self.fileSHA256 = fileSHA256
    }

    /// Where source number `position` (1-based, 1 = the primary) is published in the kit folder.
    public static func publishedName(position: Int) -> String {
        position <= 1 ? "source.jpg" : "sources/\(position).jpg"
    }

    public var jsonValue: JSONValue {
        .object([
            ("file", .string(file)),
            ("original_name", .string(originalName)),
            ("bytes", .number(Double(bytes), isInteger: true)),
            ("sha256", .string(sha256)),
            ("file_sha256", .string(fileSHA256)),
        ])
    }
}
