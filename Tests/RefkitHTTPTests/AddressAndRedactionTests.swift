import Testing

@testable import RefkitHTTP

/// Hosts are judged as curl will connect to them, so numeric forms curl accepts are normalised first.
@Suite struct TargetURLTests {
    @Test func curlNormalisesNumericHostsBeforeTheyAreJudged() throws {
        #expect(try TargetURL("http://127.1:80/").host == "127.0.0.1")
        #expect(try TargetURL("http://0x7f000001/").host == "127.0.0.1")
        #expect(try TargetURL("http://[::1]:8080/").host == "::1")
        #expect(try TargetURL("HTTPS://Example.COM./x").host == "example.com")
        #expect(try TargetURL("https://example.com/x").port == 443)
    }
}

@Suite struct LogRedactionTests {
    @Test func secretQueryValuesAndUserInfoAreRedacted() {
        #expect(LogRedaction.url("https://g.example/v1/m:gen?key=abc&alt=json") == "https://g.example/v1/m:gen?key=REDACTED&alt=json")
        #expect(
            LogRedaction.url("https://s.example/o?X-Goog-Signature=ff&X-Goog-Credential=c&w=1")
                == "https://s.example/o?X-Goog-Signature=REDACTED&X-Goog-Credential=REDACTED&w=1")
        #expect(
            LogRedaction.url("https://u:p@h.example/x?access_token=t#frag") == "https://REDACTED@h.example/x?access_token=REDACTED#REDACTED"
        )
        #expect(LogRedaction.url("http://127.0.0.1:80/plain") == "http://127.0.0.1:80/plain")
    }

    @Test func secretHeaderValuesAreRedacted() {
        let text = LogRedaction.headers(
            [("Authorization", "Bearer x"), ("X-Api-Key", "k"), ("Accept", "json")], secret: ["x-api-key"])
        #expect(text == "Authorization: REDACTED, X-Api-Key: REDACTED, Accept: json")
    }
}
