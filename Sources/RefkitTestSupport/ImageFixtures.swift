import RefkitImaging

/// Valid, small, distinct images for intake tests (made with libvips, deterministic per seed).
public enum ImageFixtures {
    /// A synthetic image in "jpeg" | "png" | "webp" | "heif" | "avif" | "gif".
    public static func image(_ format: String, seed: UInt64, width: Int = 64, height: Int = 48) throws -> [UInt8] {
        try ImageOps.synthesize(width: width, height: height, seed: seed, format: format)
    }

    public static func jpeg(seed: UInt64, width: Int = 64, height: Int = 48) throws -> [UInt8] {
        try image("jpeg", seed: seed, width: width, height: height)
    }

    public static func png(seed: UInt64, width: Int = 64, height: Int = 48) throws -> [UInt8] {
        try image("png", seed: seed, width: width, height: height)
    }

    /// A PNG whose header declares `width` x `height` but whose data is one tiny deflate stream
    /// (a decompression bomb's shape: only the header may be read).
    public static func pngDeclaring(width: UInt32, height: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += pngChunk("IHDR", bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0])
        bytes += pngChunk("IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01])
        bytes += pngChunk("IEND", [])
        return bytes
    }

    /// The first `fraction` of the bytes (a download cut short).
    public static func truncated(_ bytes: [UInt8], keeping fraction: Double = 0.5) -> [UInt8] {
        Array(bytes.prefix(max(1, Int(Double(bytes.count) * fraction))))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(CRC32.checksum(typed))
    }
}

/// CRC-32 (IEEE), as PNG chunks and zip entries use it.
enum CRC32 {
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
