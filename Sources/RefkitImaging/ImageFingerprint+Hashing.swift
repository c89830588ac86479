import Foundation
import RefkitCore

/// The hash arithmetic, on grey thumbnails libvips made (`ImageOps.fingerprint`).
extension ImageFingerprint {
    /// Side of the grey square the pHash is computed from.
    static let phashSide = 32
    /// Width and height of the grey thumbnail the dHash is computed from.
    static let dhashSize = (width: 9, height: 8)

    /// Hashes from the two grey thumbnails (row-major, one byte a pixel): 32 x 32 and 9 x 8.
    init(grey32x32: [UInt8], grey9x8: [UInt8]) {
        let side = Self.phashSide
        let (dw, dh) = Self.dhashSize
        precondition(grey32x32.count == side * side && grey9x8.count == dw * dh, "fingerprint thumbnails have the wrong size")
        self.init(
            phash: Self.perceptualHash(grey32x32), dhash: Self.differenceHash(grey9x8),
            phashFlipped: Self.perceptualHash(Self.mirrored(grey32x32, width: side)),
            dhashFlipped: Self.differenceHash(Self.mirrored(grey9x8, width: dw)))
    }

    /// Each row reversed: the thumbnail of the image mirrored left-right.
    static func mirrored(_ pixels: [UInt8], width: Int) -> [UInt8] {
        var out = pixels
        for row in stride(from: 0, to: pixels.count, by: width) {
            out[row..<(row + width)].reverse()
        }
        return out
    }

    /// Bit `v * 8 + u` is set when DCT coefficient (u across, v down) is above the median of
    /// the 63 non-DC coefficients. The DC term (overall brightness) is left out of the median
    /// and its bit is always 0, so a brighter copy hashes the same.
    static func perceptualHash(_ grey: [UInt8]) -> UInt64 {
        let side = phashSide
        let kept = 8
        // Only the 8 lowest frequencies are needed: a separable DCT-II over rows then columns,
        // unnormalised (a constant factor does not move a coefficient across the median).
        var rows = [Double](repeating: 0, count: side * kept)
        for y in 0..<side {
            for u in 0..<kept {
                var sum = 0.0
                for x in 0..<side { sum += Double(grey[y * side + x]) * cosines[u * side + x] }
                rows[y * kept + u] = sum
            }
        }
        var coefficients = [Double](repeating: 0, count: kept * kept)
        for v in 0..<kept {
            for u in 0..<kept {
                var sum = 0.0
                for y in 0..<side { sum += rows[y * kept + u] * cosines[v * side + y] }
                coefficients[v * kept + u] = sum
            }
        }
        let median = coefficients.dropFirst().sorted()[31]
        var hash: UInt64 = 0
        for index in 1..<coefficients.count where coefficients[index] > median {
            hash |= 1 << UInt64(index)
        }
        return hash
    }

    /// cos(pi (2x + 1) k / 64) for k in 0..<8, x in 0..<32, row k.
    private static let cosines: [Double] = (0..<8).flatMap { k in
        (0..<phashSide).map { x in cos(Double.pi * Double(2 * x + 1) * Double(k) / Double(2 * phashSide)) }
    }

    /// Bit `row * 8 + column` is set when the pixel right of (column, row) is brighter.
    static func differenceHash(_ grey: [UInt8]) -> UInt64 {
        let (width, height) = dhashSize
        var hash: UInt64 = 0
        for row in 0..<height {
            for column in 0..<(width - 1) where grey[row * width + column + 1] > grey[row * width + column] {
                hash |= 1 << UInt64(row * (width - 1) + column)
            }
        }
        return hash
    }
}
