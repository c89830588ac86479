/// Words of a command shown to people (`refkit select 'pick me' N`), quoted for a POSIX shell
/// so the command can be pasted as shown, whatever the kit is called.
public enum ShellWord {
    /// `text` as it is when it holds only characters no shell treats specially, else in single
    /// quotes (a `'` inside written as `'\''`); the empty word is `''`.
    public static func quoted(_ text: String) -> String {
        let plain =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-/:@%+=,".unicodeScalars.contains($0))
            }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `words` joined with spaces, each quoted.
    public static func command(_ words: [String]) -> String {
        words.map(quoted).joined(separator: " ")
    }
}
