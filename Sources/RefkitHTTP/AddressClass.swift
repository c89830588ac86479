#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells public addresses from loopback, private, link-local, unique-local and other
/// non-routable ones (the addresses a fetched URL must not reach when the policy forbids it).
enum AddressClass: Equatable {
    case v4(UInt32)
    case v6([UInt8])

    /// Parses a numeric IPv4 or IPv6 address (no brackets, no zone); nil for a host name.
    static func parse(_ text: String) -> AddressClass? {
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
    static func isPublic(_ text: String) -> Bool {
        guard let address = parse(text) else { return false }
        return !address.isRefusable
    }

    var isLoopback: Bool {
        switch self {
        case .v4(let value): return value >> 24 == 127
        case .v6(let bytes):
            if bytes == [UInt8](repeating: 0, count: 15) + [1] { return true }
            return embeddedV4.map { AddressClass.v4($0).isLoopback } ?? false
        }
    }

    /// Loopback, private, link-local, unique-local, unspecified, shared (CGNAT), multicast,
    /// reserved; IPv4 embedded in IPv6 (mapped, compatible, NAT64) is judged as IPv4.
    var isRefusable: Bool {
        switch self {
        case .v4(let value):
            func within(_ base: UInt32, _ bits: UInt32) -> Bool {
                bits == 0 ? true : (value >> (32 - bits)) == (base >> (32 - bits))
            }
            return within(0x0000_0000, 8)       // 0.0.0.0/8 ("this network", 0.0.0.0)
                || within(0x0A00_0000, 8)       // 10/8
                || within(0x6440_0000, 10)      // 100.64/10 shared address space
                || within(0x7F00_0000, 8)       // 127/8
                || within(0xA9FE_0000, 16)      // 169.254/16 link-local (cloud metadata)
                || within(0xAC10_0000, 12)      // 172.16/12
                || within(0xC000_0000, 24)      // 192.0.0/24 protocol assignments
                || within(0xC0A8_0000, 16)      // 192.168/16
                || within(0xC612_0000, 15)      // 198.18/15 benchmarking
                || within(0xE000_0000, 4)       // 224/4 multicast
                || within(0xF000_0000, 4)       // 240/4 reserved and broadcast
        case .v6(let bytes):
            if let v4 = embeddedV4 { return AddressClass.v4(v4).isRefusable }
            if bytes.allSatisfy({ $0 == 0 }) { return true }                 // ::
            if isLoopback { return true }                                    // ::1
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return true }  // fe80::/10
            if bytes[0] & 0xFE == 0xFC { return true }                       // fc00::/7
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return true }  // fec0::/10 site-local
            if bytes[0] == 0xFF { return true }                              // multicast
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
        guard prefix == mapped || prefix == nat64 || (prefix == compatible && bytes[12...].contains { $0 != 0 } && !(bytes[12...15].elementsEqual([0, 0, 0, 1]))) else {
            return nil
        }
        return bytes[12...15].reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// Resolves a host name with the system resolver; numeric addresses come back as they are.
enum HostResolver {
    static func addresses(of host: String, port: Int) -> Result<[String], HTTPError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            let text = String(cString: gai_strerror(status))
            return .failure(HTTPError(
                code: "http_connect_failed", message: "could not resolve the host", detail: "\(host): \(text)",
                retryable: true))
        }
        defer { freeaddrinfo(list) }
        var found: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor {
            if let text = numericHost(entry.pointee.ai_addr, entry.pointee.ai_addrlen), !found.contains(text) {
                found.append(text)
            }
            cursor = entry.pointee.ai_next
        }
        return .success(found)
    }

    private static func numericHost(_ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t) -> String? {
        guard let address else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else {
            return nil
        }
        var text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        return text
    }
}
