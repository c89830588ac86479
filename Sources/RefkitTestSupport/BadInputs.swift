/// Bytes that are not acceptable sources, each a realistic shape of a wrong drop.
public enum BadInputs {
    public static let text = Array("just some notes, not a picture\nsecond line\n".utf8)

    public static let pdf = Array(
        """
        %PDF-1.4
        1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
        2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj
        trailer << /Root 1 0 R >>
        %%EOF

        """.utf8)

    public static let svg = Array(
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>

        """.utf8)

    /// A 2x2 24-bit BMP.
    public static var bmp: [UInt8] {
        let rowBytes = 8  // 2 pixels x 3 bytes, padded to 4
        let pixels = [UInt8](repeating: 0x80, count: rowBytes * 2)
        let fileSize = 14 + 40 + pixels.count
        var b: [UInt8] = Array("BM".utf8) + le32(fileSize) + le32(0) + le32(54)
        b += le32(40) + le32(2) + le32(2) + le16(1) + le16(24) + le32(0) + le32(pixels.count) + le32(2835) + le32(2835) + le32(0) + le32(0)
        return b + pixels
    }

    /// A 1x1 8-bit greyscale little-endian TIFF.
    public static var tiff: [UInt8] {
        var b: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + le32(8)
        let entries: [(UInt16, UInt16, UInt32, UInt32)] = [
            (256, 3, 1, 1), (257, 3, 1, 1), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1), (273, 4, 1, 8 + 2 + 8 * 12 + 4),
            (277, 3, 1, 1), (279, 4, 1, 1),
        ]
        b += le16(entries.count)
        for (tag, type, count, value) in entries { b += le16(Int(tag)) + le16(Int(type)) + le32(Int(count)) + le32(Int(value)) }
        b += le32(0)
        return b + [0x7F]
    }

    /// A zip archive holding one stored file (`inside.txt`).
    public static var zip: [UInt8] {
        let name = Array("inside.txt".utf8)
        let data = Array("hello from inside a zip\n".utf8)
        let crc = CRC32.checksum(data)
        var local: [UInt8] = le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0)
        local += le32(Int(crc)) + le32(data.count) + le32(data.count) + le16(name.count) + le16(0) + name + data
        var central: [UInt8] = le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0)
        central += le32(Int(crc)) + le32(data.count) + le32(data.count) + le16(name.count) + le16(0) + le16(0) + le16(0) + le16(0)
        central += le32(0) + le32(0) + name
        let end: [UInt8] = le32(0x0605_4B50) + le16(0) + le16(0) + le16(1) + le16(1) + le32(central.count) + le32(local.count) + le16(0)
        return local + central + end
    }

    /// Deterministic noise of `count` bytes.
    public static func noise(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
}
