import CCrypto

/// Streaming SHA-256 over OpenSSL's EVP interface (the system libcrypto).
public struct SHA256Digest: Sendable {
    private final class Context: @unchecked Sendable {
        let ctx: OpaquePointer
        init() {
            ctx = EVP_MD_CTX_new()!
            EVP_DigestInit_ex(ctx, refkit_sha256(), nil)
        }
        deinit { EVP_MD_CTX_free(ctx) }
    }

    private let context = Context()

    public init() {}

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context.ctx, base, bytes.count)
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The lowercase hex digest. Call once.
    public func finalizeHex() -> String {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context.ctx, &out, &length)
        return hexString(out)
    }

    public static func hex(of bytes: [UInt8]) -> String {
        let digest = SHA256Digest()
        digest.update(bytes)
        return digest.finalizeHex()
    }
}

func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var chars = [UInt8]()
    chars.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        chars.append(digits[Int(byte >> 4)])
        chars.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: chars, as: UTF8.self)
}
