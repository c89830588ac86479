import RefkitCore

/// What an accepted image is, read from its bytes (never from a name or a server's word).
public struct JudgedImage: Sendable, Equatable {
    /// The format libmagic found in the bytes.
    public var format: ImageFormat
    /// Width in pixels, from the header.
    public var width: Int
    /// Height in pixels, from the header.
    public var height: Int

    /// The MIME type of `format`.
    public var mime: String { format.mime }
}

/// The one rule set for image bytes, whether a user dropped them or a provider answered with
/// them: content type by libmagic (JPEG, PNG, WebP, HEIC/HEIF, AVIF; GIF and SVG are not
/// taken), a readable header declaring pixels, the pixel and aspect-ratio limits checked
/// before any decode, then a strict full decode. Rejections carry intake's `source_*` codes;
/// callers judging other bytes wrap them in their own code (`provider_invalid_image`).
public struct ImageJudge: Sendable {
    /// The limits a judgement enforces (the size in bytes is the caller's, checked before reading).
    public struct Limits: Sendable {
        /// Width times height, read from the header before any decode.
        public var maxPixels: Int
        /// Long side over short side: a 10 x 30000 strip is far under any pixel limit, yet every
        /// square made from it (an avatar crop) is a sliver scaled a hundredfold.
        public var maxAspectRatio: Double

        public init(maxPixels: Int, maxAspectRatio: Double = .infinity) {
            self.maxPixels = maxPixels
            self.maxAspectRatio = maxAspectRatio
        }
    }

    /// The formats taken, by libmagic's MIME type of the bytes.
    public static let acceptedFormats: Set<ImageFormat> = [.jpeg, .png, .webp, .heic, .heif, .avif]

    /// The limits this judge enforces.
    public let limits: Limits

    /// Fails with `magic_unavailable` when libmagic or its database cannot be loaded, so an
    /// owner learns it when it starts rather than on its first image.
    public init(limits: Limits) throws(RefkitError) {
        try MagicDetector.Pool.shared.prepare()
        self.limits = limits
        Imaging.initialise()
    }

    /// Judges image bytes. `decode: false` skips the strict full decode for bytes that were
    /// already decoded strictly.
    public func judge(_ bytes: [UInt8], decode: Bool = true) -> Result<JudgedImage, RefkitError> {
        let mime: String
        do throws(RefkitError) {
            mime = try MagicDetector.Pool.shared.withDetector { $0.mimeType(of: bytes) }
        } catch {
            return .failure(error)
        }
        guard let format = ImageFormat(mime: mime), Self.acceptedFormats.contains(format) else {
            return .failure(Self.typeError(mime))
        }
        let header: ImageHeader
        do {
            header = try ImageOps.probe(bytes)
        } catch {
            return .failure(RefkitError(.sourceHeaderUnreadable, "the image header cannot be read", detail: error.description))
        }
        guard header.width > 0, header.height > 0 else {
            return .failure(RefkitError(.sourceHeaderUnreadable, "the image declares no pixels"))
        }
        let pixels = header.width.multipliedReportingOverflow(by: header.height)
        guard !pixels.overflow, pixels.partialValue <= limits.maxPixels else {
            return .failure(
                RefkitError(
                    .sourceTooManyPixels, "the image declares more pixels than max_source_pixels",
                    detail: "\(header.width)x\(header.height) > \(limits.maxPixels) pixels"))
        }
        let (long, short) = (max(header.width, header.height), min(header.width, header.height))
        guard Double(long) <= Double(short) * limits.maxAspectRatio else {
            return .failure(
                RefkitError(
                    .sourceAspectRatio, "the image is longer and thinner than max_aspect_ratio allows",
                    detail: "\(header.width)x\(header.height) is \(long / short):1 > \(limits.maxAspectRatio):1"))
        }
        do {
            if decode { try ImageOps.verifyDecode(bytes) }
        } catch {
            return .failure(
                RefkitError(.sourceCorrupt, "the image does not decode cleanly (truncated or damaged)", detail: error.description))
        }
        return .success(JudgedImage(format: format, width: header.width, height: header.height))
    }

    /// The rejection for content of a type that is not taken, by what it is.
    static func typeError(_ mime: String) -> RefkitError {
        let formats = "use PNG, JPEG, WebP, HEIC or AVIF"
        return switch mime {
        case "image/svg+xml":
            RefkitError(.sourceSvgUnsupported, "SVG is not taken (vector images can embed scripts and remote references)", detail: mime)
        case "image/gif": RefkitError(.sourceGifUnsupported, "GIF is not taken: \(formats)", detail: mime)
        case "application/pdf": RefkitError(.sourcePdfNotImage, "a PDF is not an image", detail: mime)
        case "application/json": RefkitError(.sourceJsonNotImage, "JSON content in an image file", detail: mime)
        case _ where mime.hasPrefix("text/"): RefkitError(.sourceTextNotImage, "the file is text, not an image", detail: mime)
        case _ where mime.hasPrefix("image/"):
            RefkitError(.sourceFormatUnsupported, "this image format is not taken: \(formats)", detail: mime)
        case _ where mime.contains("zip") || mime.contains("tar") || mime.contains("compressed"):
            RefkitError(.sourceArchiveNotImage, "an archive is not an image: unpack it into the inbox", detail: mime)
        default: RefkitError(.sourceUnknownType, "the content is not a recognised image", detail: mime)
        }
    }
}
