import RefkitCore
import RefkitPublish

// Issue 17 item 1: a character's further sources, normalised like its primary (`source.jpg`).
extension WorkFiles {
    /// Further source number `position` (2, 3, …) of a kit, normalised: `work/KIT/sources__N.jpg`,
    /// which a pruned kit finds again as its published `sources/N.jpg` (`publishedCopy`).
    public func normalisedSource(
        kitID: String, position: Int, originalPath: String, maxLongSide: Int
    ) throws(RefkitError) -> [UInt8] {
        let published = ManifestSourceFile.publishedName(position: position)
        return try normalised(
            originalPath: originalPath, maxLongSide: maxLongSide, to: "work/\(kitID)/\(published.replacingOccurrences(of: "/", with: "__"))"
        )
    }
}
