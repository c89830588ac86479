import RefkitCore

// Issue 17 item 1: a kit's sources as `show --json` and the web API's kit detail list them.
extension KitJSON {
    /// Every source, the primary first: its name as dropped, size, sha256 and format.
    static func sourcesJSON(_ sources: [SourceRecord]) -> JSONValue {
        .array(
            sources.map {
                .object([
                    ("file", .string($0.originalName)), ("bytes", .number(Double($0.bytes), isInteger: true)),
                    ("sha256", .string($0.sha256)), ("mime", .string($0.format.mime)), ("width", .integer($0.width)),
                    ("height", .integer($0.height)),
                ])
            })
    }
}
