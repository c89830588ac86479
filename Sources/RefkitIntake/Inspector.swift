import RefkitConfig
import RefkitCore
import RefkitDigest
import RefkitImaging
import RefkitWatch

/// Facts about an accepted source image.
public struct SourceFacts: Sendable, Equatable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    public var sha256: String
    public var bytes: Int64

    /// The MIME type of `format`.
    public var mime: String { format.mime }
}

/// What intake makes of one inbox entry, before pairing.
public enum Verdict: Sendable {
    case image(SourceFacts, bytes: [UInt8])
    case order(Order, text: [UInt8])
    case rejected(RefkitError)
    /// The entry changed or vanished while it was read: it will be seen again when it settles.
    case changed
}

/// The limits an inspection enforces.
public struct IntakeLimits: Sendable {
    public var maxSourceBytes: Int
    public var maxSourcePixels: Int
    /// Long side over short side: a 10 x 30000 strip is far under any pixel limit, yet every
    /// square made from it (an avatar crop) is a sliver scaled a hundredfold.
    public var maxAspectRatio: Double

    public init(maxSourceBytes: Int = 52_428_800, maxSourcePixels: Int = 100_000_000, maxAspectRatio: Double = 20) {
        self.maxSourceBytes = maxSourceBytes
        self.maxSourcePixels = maxSourcePixels
        self.maxAspectRatio = maxAspectRatio
    }

    /// The limits `[limits]` configures.
    public init(_ limits: Configuration.Limits) {
        self.init(maxSourceBytes: limits.maxSourceBytes, maxSourcePixels: limits.maxSourcePixels, maxAspectRatio: limits.maxAspectRatio)
    }
}

/// Judges one entry: kind (from lstat, never opened unless regular), size, then the bytes by
/// `ImageJudge` (content type by libmagic, pixel count from the header before any decode, a
/// full decode check); or, for `.json`, the order schema. `refkit check` and the daemon share it, so their verdicts agree.
public struct Inspector {
    let judge: ImageJudge
    let limits: IntakeLimits

    public init(limits: IntakeLimits) throws(RefkitError) {
        self.judge = try ImageJudge(limits: ImageJudge.Limits(maxPixels: limits.maxSourcePixels, maxAspectRatio: limits.maxAspectRatio))
        self.limits = limits
    }

    public func inspect(_ entry: InboxEntry) -> Verdict {
        switch entry.kind {
        case .regular: break
        case .symlink: return .rejected(RefkitError(.sourceSymlink, "symlinks are never followed or read", detail: entry.relativePath))
        case .fifo: return .rejected(RefkitError(.sourceFifo, "named pipes (FIFOs) are not taken", detail: entry.relativePath))
        case .socket: return .rejected(RefkitError(.sourceSocket, "sockets are not taken", detail: entry.relativePath))
        case .device: return .rejected(RefkitError(.sourceDevice, "device files are not taken", detail: entry.relativePath))
        case .directory:
            return .rejected(
                RefkitError(.sourceDirectory, "a folder is not an image (this watch is not recursive)", detail: entry.relativePath))
        case .other: return .rejected(RefkitError(.sourceNotRegular, "not a regular file", detail: entry.relativePath))
        }
        if entry.linkCount > 1 {
            return .rejected(
                RefkitError(
                    .sourceHardLink, "file has other hard links and may belong outside the inbox",
                    detail: "\(entry.relativePath) has \(entry.linkCount) links; copy it in instead"))
        }
        if entry.size == 0 { return .rejected(RefkitError(.sourceEmpty, "the file is empty", detail: entry.relativePath)) }
        if entry.looksLikeOrder {
            guard entry.size <= OrderValidator.maxOrderBytes else {
                return .rejected(
                    RefkitError(
                        .orderTooLarge, "order is larger than \(OrderValidator.maxOrderBytes) bytes", detail: "\(entry.size) bytes"))
            }
            return readThen(entry, limit: OrderValidator.maxOrderBytes) { bytes in
                do throws(RefkitError) {
                    return .order(try OrderValidator.validate(bytes: bytes), text: bytes)
                } catch {
                    return .rejected(error)
                }
            }
        }
        guard entry.size <= Int64(limits.maxSourceBytes) else {
            return .rejected(
                RefkitError(
                    .sourceTooLarge, "the file is larger than max_source_bytes", detail: "\(entry.size) bytes > \(limits.maxSourceBytes)"
                ))
        }
        return readThen(entry, limit: limits.maxSourceBytes) { bytes in inspectImage(bytes) }
    }

    private func readThen(_ entry: InboxEntry, limit: Int, _ body: ([UInt8]) -> Verdict) -> Verdict {
        do {
            guard let bytes = try FileSystem.readRegular(entry, limit: limit) else { return .changed }
            return body(bytes)
        } catch {
            return .rejected(error)
        }
    }

    /// Judges image bytes (also used for images that did not come through an inbox) by the
    /// one rule set `ImageJudge` holds. `decode: false` skips the strict full decode for bytes
    /// that were already decoded strictly.
    public func inspectImage(_ bytes: [UInt8], decode: Bool = true) -> Verdict {
        switch judge.judge(bytes, decode: decode) {
        case .success(let image):
            let facts = SourceFacts(
                format: image.format, width: image.width, height: image.height, sha256: SHA256Digest.hex(of: bytes),
                bytes: Int64(bytes.count))
            return .image(facts, bytes: bytes)
        case .failure(let error):
            return .rejected(error)
        }
    }
}
