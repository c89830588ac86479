/// HTTP-date (RFC 9110 §5.6.7) to seconds since the epoch. Hand-written because all three forms
/// (IMF-fixdate, RFC 850, asctime) must parse, which would take three Foundation formatters.
public enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since the epoch, or nil when the text is none of the three forms.
    public static func parse(_ text: String) -> Int64? {
        // IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT"; RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT";
        // asctime "Sun Nov  6 08:49:37 1994".
        let words = text.replacingOccurrences(of: "-", with: " ").split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int?
        var month: Int?
        var year: Int?
        var clock: (Int, Int, Int)?
        for word in words {
            if word.count >= 3, word.allSatisfy(\.isLetter), let m = months.firstIndex(of: String(word.lowercased().prefix(3))) {
                // Weekday names ("Sun", "Monday") never collide with month names.
                month = m + 1
            } else if word.contains(":") {
                let parts = word.split(separator: ":").compactMap { Int($0) }
                guard parts.count == 3 else { return nil }
                clock = (parts[0], parts[1], parts[2])
            } else if let n = Int(word) {
                if word.count == 4 { year = n } else if day == nil { day = n } else if word.count == 2 { year = n }
            }
        }
        guard var y = year, let mo = month, let d = day, let (h, mi, s) = clock else { return nil }
        if y < 100 { y += y < 70 ? 2000 : 1900 }
        guard (1...31).contains(d), (0...23).contains(h), (0...59).contains(mi), (0...60).contains(s) else { return nil }
        return Int64(daysFromCivil(year: y, month: mo, day: d)) * 86_400 + Int64(h * 3600 + mi * 60 + s)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
