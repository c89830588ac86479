import CCrypto

/// HMAC-SHA256 (RFC 2104) over the system libcrypto's one-shot `HMAC()`: hook deliveries are
/// signed with it, so a receiver can tell refkit's POSTs from anyone else's.
public enum HMACSHA256 {
    /// The 32-byte MAC of `message` under `key` (any length; longer than 64 bytes is hashed first, as RFC 2104 says).
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        // HMAC() wants non-null pointers even for empty inputs: a one-byte dummy stands in.
        let keyBytes = key.isEmpty ? [0] : key
        let messageBytes = message.isEmpty ? [0] : message
        keyBytes.withUnsafeBytes { k in
            messageBytes.withUnsafeBufferPointer { m in
                _ = HMAC(refkit_sha256(), k.baseAddress, Int32(key.count), m.baseAddress, message.count, &out, &length)
            }
        }
        return out
    }

    /// The MAC as lowercase hex (what `X-Refkit-Signature` carries after `sha256=`).
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        hexString(mac(key: key, message: message))
    }
}
