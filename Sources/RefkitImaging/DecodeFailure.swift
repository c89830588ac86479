/// Names a pixel-decode failure from the decoder's own words.
enum DecodeFailure {
    /// Phrases libjpeg, libpng, libwebp and libheif use when data runs out.
    static let truncationPhrases = [
        "premature end", "truncat", "not enough", "read error", "unexpected end",
        "end of file", "eof", "out of data", "incomplete",
    ]

    /// "image_truncated" when the decoder says data ran out, otherwise "image_corrupt".
    static func classify(_ detail: String) -> ImagingError {
        if mentionsTruncation(detail) {
            return ImagingError(code: ImagingError.truncatedCode, message: "image data ends early", detail: detail)
        }
        return ImagingError(code: ImagingError.corruptCode, message: "image data is damaged", detail: detail)
    }

    /// Lazy pipelines decode while they encode, so a damaged input surfaces as an encode or
    /// processing failure: name it as the decode failure it is when the text says so.
    static func reclassifyingPipeline(_ error: ImagingError) -> ImagingError {
        // thumbnail with crop decodes while it opens, so "unreadable" can hide damage too.
        let pipelineCodes = [ImagingError.encodeFailedCode, ImagingError.processFailedCode, ImagingError.unreadableCode]
        guard pipelineCodes.contains(error.code) else { return error }
        let lowered = error.detail.lowercased()
        guard mentionsTruncation(lowered) || lowered.contains("corrupt") else { return error }
        return classify(error.detail)
    }

    private static func mentionsTruncation(_ detail: String) -> Bool {
        let lowered = detail.lowercased()
        return truncationPhrases.contains(where: lowered.contains)
    }
}
