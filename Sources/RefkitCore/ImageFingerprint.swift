/// Perceptual hashes of one image and of its left-right mirror, for QA's duplicate and mirror
/// tests (issue 15). A 64-bit pHash (the 8 x 8 lowest frequencies of a 32 x 32 grey DCT, each
/// against their median) survives re-encoding and rescaling; a 64-bit dHash (brightness steps
/// between neighbours of a 9 x 8 grey thumbnail) is a cheaper second opinion. Both are also
/// taken of the column-reversed thumbnails, so "B is A flipped" is one comparison and needs no
/// second decode. Computed by RefkitImaging (`ImageOps.fingerprint`); compared by RefkitQA.
public struct ImageFingerprint: Sendable, Hashable {
    /// pHash of the image as it is.
    public var phash: UInt64
    /// dHash of the image as it is.
    public var dhash: UInt64
    /// pHash of the image mirrored left-right.
    public var phashFlipped: UInt64
    /// dHash of the image mirrored left-right.
    public var dhashFlipped: UInt64

    /// A fingerprint from hashes already computed (read back from a manifest or a store).
    public init(phash: UInt64, dhash: UInt64, phashFlipped: UInt64, dhashFlipped: UInt64) {
        self.phash = phash
        self.dhash = dhash
        self.phashFlipped = phashFlipped
        self.dhashFlipped = dhashFlipped
    }

    /// Bits that differ between two hashes (0...64).
    public static func distance(_ a: UInt64, _ b: UInt64) -> Int {
        (a ^ b).nonzeroBitCount
    }

    /// pHash and dHash distances to `other` as it is: both small means the same picture.
    public func distance(to other: ImageFingerprint) -> (phash: Int, dhash: Int) {
        (Self.distance(phash, other.phash), Self.distance(dhash, other.dhash))
    }

    /// pHash and dHash distances to the mirror of `other`: small means this image is `other` flipped.
    public func mirrorDistance(to other: ImageFingerprint) -> (phash: Int, dhash: Int) {
        (Self.distance(phash, other.phashFlipped), Self.distance(dhash, other.dhashFlipped))
    }
}
