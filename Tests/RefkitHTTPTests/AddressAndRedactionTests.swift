import Testing

@testable import RefkitHTTP

@Suite struct AddressClassTests {
    @Test(arguments: [
        "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255",
        "::1", "::", "fe80::1", "febf::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "64:ff9b::a9fe:a9fe", "ff02::1",
    ])
    func nonPublicAddressesAreRefusable(address: String) {
        #expect(!AddressClass.isPublic(address))
    }

    @Test(arguments: ["8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8", "fec0::1x"])
    func publicAddressesPass(address: String) {
        if address == "fec0::1x" {
            #expect(!AddressClass.isPublic(address))  // Not an address at all: never public.
        } else {
            #expect(AddressClass.isPublic(address))
        }
    }

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
        #expect(LogRedaction.url("https://s.example/o?X-Goog-Signature=ff&X-Goog-Credential=c&w=1")
            == "https://s.example/o?X-Goog-Signature=REDACTED&X-Goog-Credential=REDACTED&w=1")
        #expect(LogRedaction.url("https://u:p@h.example/x?access_token=t#frag") == "https://REDACTED@h.example/x?access_token=REDACTED#REDACTED")
        #expect(LogRedaction.url("http://127.0.0.1:80/plain") == "http://127.0.0.1:80/plain")
    }

    @Test func secretHeaderValuesAreRedacted() {
        let text = LogRedaction.headers(
            [("Authorization", "Bearer x"), ("X-Api-Key", "k"), ("Accept", "json")], secret: ["x-api-key"])
        #expect(text == "Authorization: REDACTED, X-Api-Key: REDACTED, Accept: json")
    }
}
