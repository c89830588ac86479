import RefkitConfig
import RefkitCore
import RefkitImaging
import RefkitWatch

/// Facts about an accepted source image.
public struct SourceFacts: Sendable, Equatable {
    public var mime: String
    public var width: Int
    public var height: Int
    public var sha256: String
    public var bytes: Int64
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

/// Judges one entry: kind (from lstat, never opened unless regular), size, content type by
/// libmagic, pixel count from the header before any decode, then a full decode check; or, for
/// `.json`, the order schema. `refkit check` and the daemon share it, so their verdicts agree.
public struct Inspector {
    public static let acceptedImageTypes: [String: String] = [
        "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic", "image/heif": "heif", "image/avif": "avif",
    ]

    let magic: MagicDetector
    let limits: IntakeLimits

    public init(limits: IntakeLimits) throws(RefkitError) {
        self.magic = try MagicDetector()
        self.limits = limits
        Imaging.initialise()
    }

    public func inspect(_ entry: InboxEntry) -> Verdict {
        switch entry.kind {
        case .regular: break
        case .symlink: return .rejected(RefkitError("source_symlink", "symlinks are never followed or read", detail: entry.relativePath))
        case .fifo: return .rejected(RefkitError("source_fifo", "named pipes (FIFOs) are not taken", detail: entry.relativePath))
        case .socket: return .rejected(RefkitError("source_socket", "sockets are not taken", detail: entry.relativePath))
        case .device: return .rejected(RefkitError("source_device", "device files are not taken", detail: entry.relativePath))
        case .directory:
            return .rejected(RefkitError("source_directory", "a folder is not an image (this watch is not recursive)", detail: entry.relativePath))
        case .other: return .rejected(RefkitError("source_not_regular", "not a regular file", detail: entry.relativePath))
        }
        if entry.linkCount > 1 {
            return .rejected(
                RefkitError(
                    "source_hard_link", "file has other hard links and may belong outside the inbox",
                    detail: "\(entry.relativePath) has \(entry.linkCount) links; copy it in instead"))
        }
        if entry.size == 0 { return .rejected(RefkitError("source_empty", "the file is empty", detail: entry.relativePath)) }
        if entry.looksLikeOrder {
            guard entry.size <= OrderValidator.maxOrderBytes else {
                return .rejected(RefkitError("order_too_large", "order is larger than \(OrderValidator.maxOrderBytes) bytes", detail: "\(entry.size) bytes"))
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
                RefkitError("source_too_large", "the file is larger than max_source_bytes", detail: "\(entry.size) bytes > \(limits.maxSourceBytes)"))
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

    /// Judges image bytes (also used for images that did not come through an inbox).
    /// `decode: false` skips the strict full decode for bytes that were already decoded strictly.
    public func inspectImage(_ bytes: [UInt8], decode: Bool = true) -> Verdict {
        let mime = magic.mimeType(of: bytes)
        guard Self.acceptedImageTypes[mime] != nil else { return .rejected(Self.typeError(mime)) }
        let header: ImageHeader
        do {
            header = try ImageOps.probe(bytes)
        } catch {
            return .rejected(RefkitError("source_header_unreadable", "the image header cannot be read", detail: error.description))
        }
        guard header.width > 0, header.height > 0 else {
            return .rejected(RefkitError("source_header_unreadable", "the image declares no pixels"))
        }
        let pixels = header.width.multipliedReportingOverflow(by: header.height)
        guard !pixels.overflow, pixels.partialValue <= limits.maxSourcePixels else {
            return .rejected(
                RefkitError(
                    "source_too_many_pixels", "the image declares more pixels than max_source_pixels",
                    detail: "\(header.width)x\(header.height) > \(limits.maxSourcePixels) pixels"))
        }
        let (long, short) = (max(header.width, header.height), min(header.width, header.height))
        guard Double(long) <= Double(short) * limits.maxAspectRatio else {
            return .rejected(
                RefkitError(
                    "source_aspect_ratio", "the image is longer and thinner than max_aspect_ratio allows",
                    detail: "\(header.width)x\(header.height) is \(long / short):1 > \(limits.maxAspectRatio):1"))
        }
        do {
            if decode { try ImageOps.verifyDecode(bytes) }
        } catch {
            return .rejected(RefkitError("source_corrupt", "the image does not decode cleanly (truncated or damaged)", detail: error.description))
        }
        let facts = SourceFacts(
            mime: mime, width: header.width, height: header.height, sha256: SHA256Digest.hex(of: bytes), bytes: Int64(bytes.count))
        return .image(facts, bytes: bytes)
    }

    static func typeError(_ mime: String) -> RefkitError {
        switch mime {
        case "image/svg+xml": RefkitError("source_svg_unsupported", "SVG is not taken (vector images can embed scripts and remote references)", detail: mime)
        case "image/gif": RefkitError("source_gif_unsupported", "GIF is not taken: use PNG, JPEG, WebP, HEIC or AVIF", detail: mime)
        case "application/pdf": RefkitError("source_pdf_not_image", "a PDF is not an image", detail: mime)
        case "application/json": RefkitError("source_json_not_image", "JSON content in an image file", detail: mime)
        case _ where mime.hasPrefix("text/"): RefkitError("source_text_not_image", "the file is text, not an image", detail: mime)
        case _ where mime.hasPrefix("image/"): RefkitError("source_format_unsupported", "this image format is not taken: use PNG, JPEG, WebP, HEIC or AVIF", detail: mime)
        case _ where mime.contains("zip") || mime.contains("tar") || mime.contains("compressed"):
            RefkitError("source_archive_not_image", "an archive is not an image: unpack it into the inbox", detail: mime)
        default: RefkitError("source_unknown_type", "the content is not a recognised image", detail: mime)
        }
    }
}
