#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
            return .failure(
                HTTPError(
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
