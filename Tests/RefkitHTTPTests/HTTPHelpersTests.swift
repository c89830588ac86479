import Foundation
import Testing

@testable import RefkitHTTP

/// The generic HTTP helpers providers and the Civitai client share: Retry-After, base64 and
/// the plain-http policy of a base URL. All values: no network, no clock (`now` is given).
@Suite struct HTTPHelpersTests {
    @Test func retryAfterSeconds() {
        #expect(RetryAfter.parse("120") == .seconds(120))
        #expect(RetryAfter.parse(" 0 ") == .zero)
        #expect(RetryAfter.parse("-3") == nil)
        #expect(RetryAfter.parse("soon") == nil)
    }

    @Test func retryAfterHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // 2015-10-21 07:27:50 UTC
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Wednesday, 21-Oct-15 07:28:00 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Wed Oct 21 07:28:00 2015", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == .zero)
    }

    @Test func base64RoundTripsAndRejectsGarbage() {
        for count in 0..<8 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 37 + 250) }
            let encoded = Base64.encode(bytes)
            #expect(encoded == Data(bytes).base64EncodedString())
            #expect(Base64.decode(encoded) == bytes)
        }
        #expect(Base64.decode("aGVsbG8") == Array("hello".utf8))
        #expect(Base64.decode("aGVs\nbG8=") == Array("hello".utf8))
        #expect(Base64.decode("aGVsbG8*") == nil)
        #expect(Base64.decode("aGVsbG8=x") == nil)
        #expect(Base64.decode("a") == nil)
        #expect(Base64.decode("aGVsbG8==") == nil)
        #expect(Base64.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64.decode("") == [])
    }

    @Test func plainHTTPPolicyNamesTheHost() {
        #expect(URLPolicy(forBaseURL: "http://comfy.lan:8188/api").plainHTTPHosts == ["comfy.lan"])
        #expect(URLPolicy(forBaseURL: "http://[::1]:8188").plainHTTPHosts == ["::1"])
        #expect(URLPolicy(forBaseURL: "https://api.openai.com/v1").plainHTTPHosts.isEmpty)
    }
}
