import Foundation

/// Timestamps as refkit writes them everywhere: ISO 8601, UTC, milliseconds.
public enum Timestamp {
    public static func string(_ date: Date = Date()) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var t = time_t(ms / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(ms % 1000))
    }

    /// A timestamp string back to its date (nil for anything `string` does not write).
    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// The UTC day (`2026-11-23`) a timestamp string falls on.
    public static func day(_ date: Date = Date()) -> String { String(string(date).prefix(10)) }
}
