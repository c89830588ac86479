import Foundation
import RefkitCore
import RefkitHTTP
import RefkitImaging

/// What the HTTP image providers share beyond the generic HTTP helpers of `RefkitHTTP`: the
/// send that applies the scheduler's gate, JSON bodies, base URLs and the check that an answer
/// is an image. Their errors are `ProviderError+HTTP.swift`'s.
public enum ProviderHTTP {
    /// The response body limit providers set: a few 4K images in base64 fit with room to spare.
    public static let maxResponseBytes = 64 << 20

    /// A 2xx body parsed as JSON. A body that is not JSON is `provider_bad_response`, marked
    /// retryable: garbled or cut-off successful answers come from proxies and overloaded
    /// front ends and usually do not repeat; the stage's retry budget (`[retry] attempts`)
    /// bounds how often it is tried.
    public static func parseJSON(_ body: [UInt8], provider: String) throws(ProviderError) -> JSONValue {
        do {
            return try JSONValue.parse(body)
        } catch {
            throw ProviderError(
                code: .badResponse, message: "\(provider)'s answer is not valid JSON",
                detail: "\(error.description); body: \(LogRedaction.quote(body))", retryable: true)
        }
    }

    // MARK: - Output images

    /// Larger outputs are refused rather than decoded (no provider makes more than 16K x 16K);
    /// the configured `[limits]` apply to the image afterwards, as to a dropped file.
    static let maxOutputPixels = 16_384 * 16_384

    /// Checks that `bytes` are an image the intake rules take (`ImageJudge`: the type by
    /// libmagic, a readable header, a complete decode) and wraps them as the provider's answer,
    /// with the size and MIME type read from the image, not trusted from the provider.
    public static func validatedImage(
        _ bytes: [UInt8], provider: String, model: String, costUSD: Double
    ) throws(ProviderError) -> GeneratedImage {
        func invalid(_ why: String) -> ProviderError {
            ProviderError(
                code: .invalidImage, message: "\(provider) answered with bytes that are not a usable image", detail: why,
                retryable: false)
        }
        guard !bytes.isEmpty else { throw invalid("the image is empty") }
        let verdict: Result<JudgedImage, RefkitError>
        do throws(RefkitError) {
            verdict = try ImageJudge(limits: ImageJudge.Limits(maxPixels: maxOutputPixels)).judge(bytes)
        } catch {
            throw invalid(error.description)
        }
        switch verdict {
        case .success(let judged):
            var image = GeneratedImage(
                bytes: bytes, mime: judged.mime, width: judged.width, height: judged.height, model: model, costUSD: costUSD)
            image.decodeVerified = true
            return image
        case .failure(let error):
            throw invalid(error.description)
        }
    }

    // MARK: - Requests

    /// Sends a request; a transfer failure becomes a provider error (with `secret` removed from it).
    public static func send(
        _ request: HTTPRequest, via http: HTTPClient, provider: String, secret: String?, policy: URLPolicy
    ) async throws(ProviderError) -> HTTPResponse {
        var request = request
        if let gate = RequestGating.gate { request.gate = gate }
        do {
            let response = try await http.send(request, policy: policy)
            RequestGating.timer?.add(response.duration)
            return response
        } catch {
            throw ProviderError.transport(error, provider: provider).redacted(secret: secret)
        }
    }

    /// The base URL with no trailing slash, so `base + "/path"` never doubles it.
    public static func trimmedBase(_ baseURL: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}
