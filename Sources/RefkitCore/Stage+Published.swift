extension Stage {
    /// The name of the stage's image in the kit's outbox folder: `fileName` with the extension of
    /// the work file it was made as (`png` when that has none), and `suffix` before it
    /// (`.prev` for the result a regeneration replaced). The publisher writes it, the web UI links it.
    public func publishedFileName(workFile: String, suffix: String = "") -> String {
        let stem = fileName.hasSuffix(".png") ? String(fileName.dropLast(4)) : fileName
        let last = workFile.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        var ext = ""
        if let dot = last.lastIndex(of: "."), dot != last.startIndex { ext = String(last[last.index(after: dot)...]) }
        return stem + suffix + "." + (ext.isEmpty ? "png" : ext)
    }
}
