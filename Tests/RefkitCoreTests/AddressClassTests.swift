import RefkitCore
import Testing

/// Address literals classified without a lookup: what the HTTP policy refuses and what the
/// configuration's plain-http and listen checks count as loopback.
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

    @Test(arguments: [
        "8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8", "fec0::1x",
    ])
    func publicAddressesPass(address: String) {
        if address == "fec0::1x" {
            #expect(!AddressClass.isPublic(address))  // Not an address at all: never public.
        } else {
            #expect(AddressClass.isPublic(address))
        }
    }

    @Test(arguments: ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", "localhost"])
    func loopbackHosts(host: String) {
        #expect(AddressClass.isLoopbackHost(host))
    }

    /// Only the mapped form of 127/8 is this host: compatible and NAT64 forms route as IPv6.
    @Test(arguments: ["10.0.0.5", "0.0.0.0", "fe80::1", "::", "::127.0.0.1", "64:ff9b::7f00:1", "comfy.lan", "localhost.", "[::1]"])
    func notLoopbackHosts(host: String) {
        #expect(!AddressClass.isLoopbackHost(host))
    }
}
