/// vips_text renders Pango markup, so plain text must be escaped or "<", "&" break it.
enum PangoMarkup {
    static func escaping(_ plain: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(plain.utf8.count)
        for character in plain {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
