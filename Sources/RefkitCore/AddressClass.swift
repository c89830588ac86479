#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A numeric IPv4 or IPv6 address, classified: loopback, and the private, link-local,
/// unique-local and other non-routable kinds a fetched URL must not reach when the policy
/// forbids it. The HTTP client's address policy and the configuration's plain-http and listen
/// checks judge hosts with this one value, so they cannot disagree. Parsing is `inet_pton`'s
/// (no lookups): a host name is not an address.
public enum AddressClass: Equatable, Sendable {
    /// An IPv4 address in host byte order.
    case v4(UInt32)
    /// The 16 bytes of an IPv6 address, in network order.
    case v6([UInt8])

    /// Parses a numeric IPv4 or IPv6 address (no brackets, no zone); nil for a host name.
    public static func parse(_ text: String) -> AddressClass? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return .v4(UInt32(bigEndian: v4.s_addr))
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return .v6(withUnsafeBytes(of: v6) { Array($0) })
        }
        return nil
    }

    /// True only for an address that parses and is none of the refused kinds.
    public static func isPublic(_ text: String) -> Bool {
        guard let address = parse(text) else { return false }
        return !address.isRefusable
    }

    /// `localhost`, or a loopback literal (no brackets): what may be spoken to in clear text.
    public static func isLoopbackHost(_ host: String) -> Bool {
        host == "localhost" || parse(host)?.isLoopback == true
    }

    /// 127/8, `::1`, or an IPv4-mapped (`::ffff:127.x.y.z`) loopback address. Only the mapped
    /// form counts: a compatible or NAT64 address is routed as IPv6, not to this host.
    public var isLoopback: Bool {
        switch self {
        case .v4(let value): return value >> 24 == 127
        case .v6(let bytes):
            if bytes == [UInt8](repeating: 0, count: 15) + [1] { return true }
            let mapped = [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF]
            return bytes[0..<12].elementsEqual(mapped) && bytes[12] == 127
        }
    }

    /// Loopback, private, link-local, unique-local, unspecified, shared (CGNAT), multicast,
    /// reserved; IPv4 embedded in IPv6 (mapped, compatible, NAT64) is judged as IPv4.
    public var isRefusable: Bool {
        switch self {
        case .v4(let value):
            func within(_ base: UInt32, _ bits: UInt32) -> Bool {
                bits == 0 ? true : (value >> (32 - bits)) == (base >> (32 - bits))
            }
            return within(0x0000_0000, 8)  // 0.0.0.0/8 ("this network", 0.0.0.0)
                || within(0x0A00_0000, 8)  // 10/8
                || within(0x6440_0000, 10)  // 100.64/10 shared address space
                || within(0x7F00_0000, 8)  // 127/8
                || within(0xA9FE_0000, 16)  // 169.254/16 link-local (cloud metadata)
                || within(0xAC10_0000, 12)  // 172.16/12
                || within(0xC000_0000, 24)  // 192.0.0/24 protocol assignments
                || within(0xC0A8_0000, 16)  // 192.168/16
                || within(0xC612_0000, 15)  // 198.18/15 benchmarking
                || within(0xE000_0000, 4)  // 224/4 multicast
                || within(0xF000_0000, 4)  // 240/4 reserved and broadcast
        case .v6(let bytes):
            if let v4 = embeddedV4 { return AddressClass.v4(v4).isRefusable }
            if bytes.allSatisfy({ $0 == 0 }) { return true }  // ::
            if isLoopback { return true }  // ::1
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return true }  // fe80::/10
            if bytes[0] & 0xFE == 0xFC { return true }  // fc00::/7
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return true }  // fec0::/10 site-local
            if bytes[0] == 0xFF { return true }  // multicast
            return false
        }
    }

    /// The IPv4 address inside ::ffff:a.b.c.d, ::a.b.c.d or 64:ff9b::a.b.c.d.
    private var embeddedV4: UInt32? {
        guard case .v6(let bytes) = self else { return nil }
        let prefix = Array(bytes[0..<12])
        let mapped = [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF]
        let compatible = [UInt8](repeating: 0, count: 12)
        let nat64: [UInt8] = [0x00, 0x64, 0xFF, 0x9B] + [UInt8](repeating: 0, count: 8)
        let isCompatible = prefix == compatible && bytes[12...].contains { $0 != 0 } && !bytes[12...15].elementsEqual([0, 0, 0, 1])
        guard prefix == mapped || prefix == nat64 || isCompatible else { return nil }
        return bytes[12...15].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
