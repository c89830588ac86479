import CVips
import RefkitCore

@testable import RefkitImaging

/// Hand-built and vips-built inputs for the imaging tests.
enum Fixtures {
    /// A synthetic JPEG of the given size.
    static func jpeg(_ width: Int = 320, _ height: Int = 240, seed: UInt64 = 1) throws -> [UInt8] {
        try ImageOps.synthesize(width: width, height: height, seed: seed, format: "jpeg")
    }

    /// A synthetic PNG of the given size.
    static func png(_ width: Int = 320, _ height: Int = 240, seed: UInt64 = 1) throws -> [UInt8] {
        try ImageOps.synthesize(width: width, height: height, seed: seed, format: "png")
    }

    /// A PNG whose IHDR declares width x height but whose IDAT holds one tiny deflate stream.
    static func pngDeclaring(width: UInt32, height: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr = bigEndian(width) + bigEndian(height)
        ihdr += [8, 2, 0, 0, 0]  // 8-bit, RGB, deflate, adaptive filter, no interlace
        bytes += chunk("IHDR", ihdr)
        bytes += chunk("IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01])  // zlib of one 0 byte
        bytes += chunk("IEND", [])
        return bytes
    }

    /// The first half of the bytes.
    static func cutInHalf(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes.prefix(bytes.count / 2))
    }

    /// A JPEG's headers through the start-of-scan segment, then non-marker noise instead of scan data.
    static func jpegWithGarbageAfterHeader(_ jpeg: [UInt8]) -> [UInt8] {
        var index = 2
        while index + 3 < jpeg.count {
            guard jpeg[index] == 0xFF else { break }
            let marker = jpeg[index + 1]
            let length = Int(jpeg[index + 2]) << 8 | Int(jpeg[index + 3])
            index += 2 + length
            if marker == 0xDA { break }
        }
        var noise = SeededGenerator(seed: 42)
        let garbage = (0..<4096).map { _ in UInt8(truncatingIfNeeded: noise.next() % 0xFF) }
        return Array(jpeg.prefix(index)) + garbage
    }

    /// Re-encodes `bytes` after converting to `space` (e.g. CMYK, 16-bit, greyscale).
    static func converted(_ bytes: [UInt8], to space: VipsInterpretation, as format: ImageFormat) throws -> [UInt8] {
        let image = try VipsImageHandle.load(bytes, strictness: .lenient, sequential: false)
        let converted = try image.derive(("test", "colourspace")) { rk_vips_colourspace($0, $1, Int32(space.rawValue)) }
        return try converted.encoded(as: format, stripMetadata: false)
    }

    /// Re-encodes `bytes` as JPEG converted to an ICC `profile` ("p3", "cmyk") and embedding it.
    static func withProfile(_ bytes: [UInt8], profile: String) throws -> [UInt8] {
        let image = try VipsImageHandle.load(bytes, strictness: .lenient, sequential: false)
        let converted = try image.derive(("test", "icc_transform")) { rk_vips_icc_transform($0, $1, profile, 0) }
        return try converted.encoded(as: .jpeg, quality: 95, stripMetadata: false)
    }

    /// Mean absolute per-sample difference between two decoded images of equal size.
    static func meanDifference(_ a: [UInt8], _ b: [UInt8]) throws -> Double {
        let left = try VipsImageHandle.load(a, strictness: .lenient, sequential: false).pixelBytes()
        let right = try VipsImageHandle.load(b, strictness: .lenient, sequential: false).pixelBytes()
        precondition(left.count == right.count, "images differ in size")
        let total = zip(left, right).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        return Double(total) / Double(left.count)
    }

    /// Adds an alpha band of constant `alpha` and encodes PNG.
    static func withAlpha(_ bytes: [UInt8], alpha: Double) throws -> [UInt8] {
        let image = try VipsImageHandle.load(bytes, strictness: .lenient, sequential: false)
        let rgba = try image.derive(("test", "bandjoin")) { rk_vips_bandjoin_const1($0, $1, alpha) }
        return try rgba.encoded(as: .png)
    }

    /// Decoded pixel mean of an encoded image.
    static func mean(_ bytes: [UInt8]) throws -> Double {
        try VipsImageHandle.load(bytes, strictness: .failOnWarning, sequential: true).average()
    }

    /// Metadata field names of an encoded image.
    static func fields(_ bytes: [UInt8]) throws -> [String] {
        try VipsImageHandle.load(bytes, strictness: .lenient, sequential: false).fieldNames
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard haystack.count >= pattern.count else { return false }
        return (0...(haystack.count - pattern.count)).contains { start in
            haystack[start..<(start + pattern.count)].elementsEqual(pattern)
        }
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
