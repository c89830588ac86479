import Foundation

/// `Retry-After` (RFC 9110 §10.2.3): how long a server asks to be left alone.
public enum RetryAfter {
    /// Longer waits are capped: a server asking for more than a week is not taken at its word.
    static let maximumSeconds: Int64 = 86_400 * 7

    /// The response's `Retry-After`, if it has a usable one.
    public static func of(_ response: HTTPResponse, now: Date = Date()) -> Duration? {
        response.header("retry-after").flatMap { parse($0, now: now) }
    }

    /// `Retry-After` as delay-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`,
    /// also the obsolete RFC 850 and asctime forms). A date in the past means "now" (zero).
    public static func parse(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(text), seconds >= 0 { return .seconds(min(seconds, maximumSeconds)) }
        guard let epoch = HTTPDate.parse(text) else { return nil }
        let delta = Double(epoch) - now.timeIntervalSince1970
        return delta <= 0 ? .zero : .milliseconds(Int64((min(delta, Double(maximumSeconds)) * 1000).rounded(.up)))
    }
}
