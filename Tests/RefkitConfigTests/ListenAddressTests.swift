import Testing

@testable import RefkitConfig

/// `[metrics] listen` split into what the server binds: the one place that reads the text after the loader.
@Suite("Metrics listen address")
struct ListenAddressTests {
    static func address(_ listen: String?) -> (host: String, port: UInt16)? {
        var metrics = Configuration.Metrics()
        metrics.listen = listen
        return metrics.listenAddress
    }

    @Test func hostAndPortAreSplitAtTheLastColonAndBracketsGo() {
        #expect(Self.address("127.0.0.1:9100").map { [$0.host, "\($0.port)"] } == ["127.0.0.1", "9100"])
        #expect(Self.address("[::1]:9464").map { [$0.host, "\($0.port)"] } == ["::1", "9464"])
        #expect(Self.address("localhost:0").map { [$0.host, "\($0.port)"] } == ["localhost", "0"])
    }

    @Test func noListenOrNoPortServesNothing() {
        #expect(Self.address(nil) == nil)
        #expect(Self.address("127.0.0.1") == nil)
        #expect(Self.address("127.0.0.1:99999") == nil)
    }
}
